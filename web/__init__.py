"""The web edge shared by every route: security headers, JSON errors and guards, caching."""
