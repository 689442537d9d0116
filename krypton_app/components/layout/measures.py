"""Widths and breakpoints every part of the shell agrees on."""

from __future__ import annotations

import reflex as rx

CONTENT_MAX_WIDTH = "1120px"
PAGE_PADDING_X = ["16px", "20px", "24px"]
# The full navigation needs ~1150 px; below Radix's `lg` breakpoint it folds into the menu.
WIDE = rx.breakpoints(initial="none", lg="flex")
NARROW = rx.breakpoints(initial="flex", lg="none")
# The account chip fits beside the menu button from tablets up; on phones it moves into the menu.
TABLET_UP = rx.breakpoints(initial="none", sm="flex")
# A phone is below `sm` (48em, 768 px): there the main sections live in the bottom tab bar.
PHONE_ONLY = rx.breakpoints(initial="flex", sm="none")
# The one primary action of a phone screen spans the column and is easy to hit; from tablets up it
# sits at its natural size beside its neighbours.
PRIMARY_WIDTH = rx.breakpoints(initial="100%", sm="auto")
# A Radix prop, so Radix's own responsive object (its `sm` is the same 768 px).
PRIMARY_SIZE = {"initial": "3", "sm": "2"}
# The tab bar's own height, without the home-indicator inset added under it.
TAB_BAR_HEIGHT = "60px"
SAFE_BOTTOM = "env(safe-area-inset-bottom, 0px)"
