"""The bilingual /public page: no login."""
