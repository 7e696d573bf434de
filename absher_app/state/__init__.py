"""Small shared states only (language, session). Page states live beside their pages."""
