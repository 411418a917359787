"""The invented demonstration network and directory: `load_demo`, `demo_code`, `directory_demo_build`.

It sits above every product app: it may import any of them, and none imports it.
"""
