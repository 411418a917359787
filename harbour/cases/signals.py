"""The hook other apps listen to; cases never imports them.

`consent_withdrawn` is sent after the transaction that withdrew a consent commits,
with plain values: consent_id, purpose, case_id, person_key. Statistics listen for
purpose "statistics" and drop the person's facts from future releases.
"""

from django.dispatch import Signal

consent_withdrawn = Signal()
