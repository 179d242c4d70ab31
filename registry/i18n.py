"""Which language a page is in: the user's setting, else Accept-Language, else English."""

from __future__ import annotations

from babel import support
from flask import current_app, has_app_context, request, session
from flask_babel import Domain, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The API speaks what Accept-Language asks (English by default); pages also remember a choice."""
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages, default="en") or "en"
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default="en") or "en"


class CatalogueDomain(Domain):
    """Flask-Babel's message domain, also finding catalogues named ``language_TERRITORY``.

    Babel 2.18 parses "zh_CN" as zh_Hans_CN, and gettext then looks only in
    ``zh_Hans_CN/`` and ``zh/``; the catalogue lives in ``translations/zh_CN/``,
    the name translators and pybabel use.
    """

    def get_translations(self) -> support.NullTranslations:
        if not has_app_context():
            return support.NullTranslations()
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        key = (str(locale), self.domain[0])
        if key in self.cache:
            return self.cache[key]
        names = [str(locale)]
        if locale.territory:
            names.insert(0, f"{locale.language}_{locale.territory}")
        translations = support.Translations()
        for index, dirname in enumerate(self.translation_directories):
            domain = self.domain[0] if len(self.domain) == 1 else self.domain[index]
            catalog = support.Translations.load(dirname, names, domain)
            translations.merge(catalog)
            if hasattr(catalog, "plural"):  # merge() drops it (as Flask-Babel notes)
                translations.plural = catalog.plural
        self.cache[key] = translations
        return translations
