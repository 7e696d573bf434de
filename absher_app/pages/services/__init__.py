"""`/services` (My Services) and `/services/<code>` (the one wizard every service runs)."""

from absher_app.pages.services.catalogue import ServicesState, catalogue_page
from absher_app.pages.services.wizard import WizardState, wizard_page, wizard_title

__all__ = ["ServicesState", "WizardState", "catalogue_page", "wizard_page", "wizard_title"]
