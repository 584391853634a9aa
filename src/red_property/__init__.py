"""red-property: star ratings of property-management companies, explained and reproducible."""
