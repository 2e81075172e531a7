"""Resident Companion: a fully local reflection companion for medical residents.

Importing this package is cheap on purpose: it pulls neither Textual nor torch,
so the command line and the first screen of the app appear at once. Heavy
libraries are imported inside the functions that need them.
"""

__version__ = "0.1.0"
