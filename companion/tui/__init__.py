"""The Textual app: screens and widgets on top of the model process.

Holds no domain logic: every question goes to :class:`companion.service.local.LocalCompanion`
through :class:`companion.service.client.ServiceClient`.
"""
