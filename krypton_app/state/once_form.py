"""One submit, one thing: the mechanism every create or money-moving form shares ("Publish ad",
"Open deal", "Create invoice", "Simulate payment"; the withdraw quote works the same way).

A double click sends two events before the first one's "busy" reaches the browser, and Reflex runs
them one after the other for the tab. So the button's `disabled` alone cannot stop the second one:
the form also carries a key, minted on the server when the form is shown and kept in a backend-only
var (the browser never chooses it), and the handler passes it to the service as the idempotency key.
The second event carries the same key, and the service answers it with the first event's ad, deal,
invoice or payment.

When the key is renewed decides what "the next form" is:
- a form that leaves the page on success (ad, deal, invoice) renews it only when it is shown again
  (`_fresh_form_key()` in the page's on_load, or when the form opens), so a second click however late
  repeats the first answer;
- a form that stays on the page (simulate a payment) chains an event that renews it after its success
  (InvoiceDetailState.next_simulation): the tab's events run in order, so clicks already sent repeat
  the first answer, and the next deliberate click is a new payment.
"""

from __future__ import annotations

import secrets

import reflex as rx


class OnceForm(rx.State, mixin=True):
    """A handler sets `submitting`, yields (so the browser disables the button before the service
    runs), calls the service with `self._submit_key()`, and clears `submitting` in a `finally`."""

    submitting: bool = False
    _form_key: str = ""

    def _fresh_form_key(self) -> None:
        self._form_key = secrets.token_hex(16)

    def _submit_key(self) -> str:
        # A submit before the page's on_load minted one (the browser may call any handler) gets its own.
        if not self._form_key:
            self._fresh_form_key()
        return self._form_key
