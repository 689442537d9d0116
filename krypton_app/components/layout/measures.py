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
