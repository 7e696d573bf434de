"""The interface language: Arabic by default, English one click away, remembered in the browser."""

from __future__ import annotations

import reflex as rx

from absher_app.i18n import AR, DEFAULT_LANGUAGE, EN, LANGUAGES

STORAGE_KEY = "absher_lang"


def _lang_dir_script(lang: str) -> str:
    direction = "rtl" if lang == "ar" else "ltr"
    return f"document.documentElement.lang='{lang}';document.documentElement.dir='{direction}';"


def document_language_script(lang: str) -> str:
    """JavaScript that sets <html lang dir> for `lang` (only 'ar' or 'en' ever reach it).

    It also marks the document `data-connected`: the browser tests wait for that mark, which
    proves the page has hydrated and the backend answered its first event.
    """
    return _lang_dir_script(lang) + "document.documentElement.dataset.connected='1';"


# Runs in <head> before React renders, so that a reload in English never flashes RTL.
RESTORE_LANGUAGE_SCRIPT = (
    "(function(){try{var v=localStorage.getItem('" + STORAGE_KEY + "');"
    "if(v==='en'||v==='\"en\"'){" + _lang_dir_script("en") + "}}catch(e){}})();"
)


def adopt_language_script(lang: str) -> str:
    """JavaScript that makes `lang` this browser's language unless the person already chose one
    here (used at sign-in: the account's preference for a browser that has none of its own)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return (f"try{{if(localStorage.getItem('{STORAGE_KEY}')===null)"
            f"{{localStorage.setItem('{STORAGE_KEY}','{lang}');}}}}catch(e){{}}")


class LanguageState(rx.State):
    """The chosen language, kept in localStorage (not a secret, not per account)."""

    lang: str = rx.LocalStorage(DEFAULT_LANGUAGE, name=STORAGE_KEY, sync=True)

    @rx.event
    def set_language(self, lang: str):
        """Switch the interface language; anything but 'ar' or 'en' is ignored.

        <html lang dir> follow in the browser after the update that stores the choice (the
        script runs once it is applied): the attribute never says English before the choice
        is kept, and the browser tests rely on that."""
        if lang not in LANGUAGES:
            return None
        self.lang = lang
        return rx.call_script(document_language_script(lang))

    @rx.event
    def apply_document_language(self):
        """Re-apply <html lang dir> after hydration (covers a value synced from another tab)."""
        lang = self.lang if self.lang in LANGUAGES else DEFAULT_LANGUAGE
        return rx.call_script(document_language_script(lang))


def is_english() -> rx.Var[bool]:
    """True while the interface is in English."""
    return LanguageState.lang == "en"


def t(key: str) -> rx.Var[str]:
    """The string for `key` in the current language (a KeyError at compile time if missing)."""
    return rx.cond(is_english(), EN[key], AR[key])
