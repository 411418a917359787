"""The network's pages, one module per sub-domain; `harbour/network/urls.py` names each view by its module.

- `accounts`: signing in, two-factor, password reset, invitations accepted, the member's own pages;
- `staff`: an organisation administrator's staff, invitations and audit log;
- `coordination`: organisations and vetting, working groups;
- `announcements`: the listserv, its archive and threads, delivery and unsubscribing;
- `meetings`: meetings, minutes and reports;
- `profiles`: organisation profiles and partners;
- `recommendations`: the recommendation tracker.
"""
