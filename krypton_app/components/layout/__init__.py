"""The app shell: header (logo, navigation, the bell, language, theme, account), content column, footer.

`template` is the page decorator, as in reflex-dev's dashboard template: each page module writes
`@template(route=..., title=..., on_load=...)` over a function returning the page content, and
krypton_app.py adds the resulting `Page`s to the app.

shell.py holds the template; header.py, navigation.py, bell.py, footer.py and tab_bar.py (the phone's
bottom tab bar) the parts around the content; measures.py the widths and breakpoints they share.
"""

from krypton_app.components.layout.shell import Page, template

__all__ = ["Page", "template"]
