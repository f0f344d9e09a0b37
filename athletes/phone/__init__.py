"""The athlete's phone pages under /m/, opened with a passwordless link from the PT.

``access``: the link exchange, ``phone_login_required`` and the site-wide scope middleware;
``views``: the pages, the manifest and the service worker; ``words``: what the athlete
reads of a suggestion and of a pain score; ``urls``: the addresses.
"""
