"""Absher Passports: an open-source e-government portal in the style of Absher Individuals."""
