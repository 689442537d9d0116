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
from krypton_app.components.market import ad_form
from krypton_app.components.ui import card, card_title, loading_note, page_heading
from krypton_app.db import default_uow
from krypton_app.domain.ads import CLOSED
from krypton_app.domain.errors import KryptonError, NotFound
from krypton_app.pages.ad_detail import not_found
from krypton_app.services.ads import get_ad, update_ad
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.market import AdFormMixin


class EditAdState(AdFormMixin, AuthState):
    missing: bool = False
    edit_id: str = ""

    @rx.event
    def load(self):
        # Unmount the form first, so it mounts again with this ad's values, not the last visit's.
        self.missing, self.edit_id = False, ""
        yield
        user_id = self._verified_user_id()
        try:
            ad = get_ad(default_uow(), routes.ad_id_in(self.router.url.path))
        except NotFound:
            ad = None
        if ad is None or user_id is None or ad.owner_id != user_id or ad.status == CLOSED:
            self.missing = True
            return
        self._seed(ad)
        self.edit_id = str(ad.id)

    @rx.event
    def save(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            return AuthState.require_login
        if not self.edit_id:
            return None
        draft = self._draft(form_data, side=self.side, asset=self.asset)
        if draft is None:
            return None
        try:
            update_ad(default_uow(), user_id, int(self.edit_id), draft, settings=app_deps().settings)
        except KryptonError as error:
            self._refused(error)
            return None
        self.field_errors = {}
        return rx.redirect(routes.market_ad(self.edit_id))


@template(route=routes.MARKET_AD_EDIT, title="Edit ad", on_load=[EditAdState.load])
def ad_edit() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["ad.edit_title"]),
        rx.cond(
            EditAdState.missing,
            not_found("ad.not_found"),
            rx.cond(
                EditAdState.edit_id == "",
                loading_note(I18n.t["ad.loading"]),
                card(
                    card_title(
                        "pencil",
                        I18n.t["ad.title"] + " #" + EditAdState.edit_id,
                        rx.link(I18n.t["ad.view_page"], href=routes.MARKET_ADS_PREFIX + EditAdState.edit_id, size="2"),
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
