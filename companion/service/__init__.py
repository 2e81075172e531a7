"""The model process and its facade.

Importing torch or sentence-transformers holds the GIL for seconds, so a thread
in the app cannot keep the screen responsive while models load. The model-backed
core therefore lives in a child process (``python -m companion.service``) that
answers JSON-lines requests; :mod:`companion.service.client` talks to it and
:mod:`companion.service.local` is the one facade it serves. Nothing here imports
Textual.
"""
