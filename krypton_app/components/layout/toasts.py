"""Where toasts appear: top centre, just below the sticky header, on every screen size.

Not at a corner: the top right holds the header's controls (bell, language, account) and the bottom
of a phone holds the tab bar and each screen's primary action, so a toast there would sit on what
the user is about to press. Below the header's 64 px it covers only page content, for a few seconds,
and it is where the eye already is after pressing a button in a form.
"""

from __future__ import annotations

import reflex as rx

HEADER_HEIGHT_PX = 64
# The header's height and a small gap; sonner's own default (16 px, 24 px) would land on the header.
TOP_OFFSET = f"{HEADER_HEIGHT_PX + 12}px"


def toaster() -> rx.Component:
    # sonner 2 takes per-side offsets (`offset`, and `mobileOffset` under 600 px); a side left out keeps
    # sonner's default, so only the top moves. Reflex's Toaster types `offset` as text, hence custom_attrs.
    return rx.toast.provider(
        position="top-center",
        custom_attrs={"offset": {"top": TOP_OFFSET}, "mobileOffset": {"top": TOP_OFFSET}},
    )
