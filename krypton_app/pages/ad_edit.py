"""/market/ads/[ad_id]/edit: the owner changes an open ad through services.ads.update_ad.

The form is /market/new's, seeded with the ad. Side and crypto are fixed at creation, so they are
shown and not sent; the service checks ownership and every field again. Anyone else, and a closed
or unknown ad, sees "not found".
"""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.market import ad_form, ad_not_found
from krypton_app.components.ui import card, card_title, loading_note, page_heading
from krypton_app.domain.errors import KryptonError, NotFound
from krypton_app.services.ad_views import AdView, get_ad, payment_details_of
from krypton_app.services.ads import update_ad
from krypton_app.state.ad_form import AdFormMixin
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop


def _own_ad(user_id: int, ad_id: int) -> tuple[AdView, str] | None:
    """The ad and its private payment details if `user_id` owns it and may still edit it; None otherwise
    (unknown, another's, closed)."""
    try:
        ad = get_ad(app_deps().uow, ad_id)
    except NotFound:
        return None
    if ad.owner_id != user_id or "edit" not in ad.owner_actions:
        return None
    return ad, payment_details_of(app_deps().uow, user_id, ad_id)


class EditAdState(AdFormMixin, AuthState):
    missing: bool = False
    edit_id: int = 0  # 0 until the ad is loaded
    view_href: str = ""

    @rx.event
    async def load(self):
        # Unmount the form first, so it mounts again with this ad's values, not the last visit's.
        self.missing, self.edit_id = False, 0
        yield
        user_id = await self._user_id()
        own = None if user_id is None else await off_loop(_own_ad, user_id, routes.ad_id_in(self.router.url.path))
        if own is None:
            self.missing = True
            return
        ad, details = own
        self._seed(ad)
        self.values = {**self.values, "payment_details": details}
        self.edit_id, self.view_href = ad.id, routes.market_ad(ad.id)

    @rx.event
    async def save(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            return AuthState.require_login
        if not self.edit_id:
            return None
        draft = self._draft(form_data, side=self.side, asset=self.asset)
        if draft is None:
            return None
        try:
            await off_loop(update_ad, app_deps().uow, user_id, self.edit_id, draft, rates=app_deps().rates)
        except KryptonError as error:
            self._refused(error)
            return None
        self.field_errors = {}
        return rx.redirect(self.view_href)


@template(route=routes.MARKET_AD_EDIT, title="Edit ad", on_load=[EditAdState.load])
def ad_edit() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["ad.edit_title"]),
        rx.cond(
            EditAdState.missing,
            ad_not_found("ad.not_found"),
            rx.cond(
                EditAdState.edit_id == 0,
                loading_note(I18n.t["ad.loading"]),
                card(
                    card_title(
                        "pencil",
                        I18n.t["ad.title"] + " #" + EditAdState.edit_id.to_string(),
                        rx.link(I18n.t["ad.view_page"], href=EditAdState.view_href, size="2"),
                    ),
                    ad_form(
                        EditAdState,
                        editing=True,
                        submit_label=I18n.t["ad.save"],
                        on_submit=EditAdState.save,
                        submit_test_id="ad-save",
                    ),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
