"""Thin HTTP and timer triggers: read the request, call ``shared``, shape the answer."""
