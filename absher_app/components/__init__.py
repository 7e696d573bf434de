"""Reusable UI pieces, named after GOV.UK design-system components."""
