"""Every deal says what it is for (issue 13 item 6): its purpose, who its release and refund pay, and
the ad owner's notification naming it; the operator deciding a dispute reads the same."""

from builders import DISPUTABLE, NOW, make_user, open_deal, open_part_deal, part_deal_case, sell_ad

from krypton_app.domain import deals as machine
from krypton_app.i18n import translate
from krypton_app.i18n.formatting import message_params
from krypton_app.routes import payment
from krypton_app.services import deals, disputes, notifications
from krypton_app.state.views import owed_text


def test_a_plain_deal_pays_the_buyer(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    assert deal.purpose.kind == machine.PLAIN
    assert owed_text(deal.purpose, "en") == "Release: 2 TON to the buyer's balance. Refund: back to the seller."
    (note,) = notifications.list_notifications(uow, owner)
    assert note.text_key == "notify.deal_opened"


def test_a_part_deal_names_the_invoice_and_the_payment_only_to_its_payer(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case, 2)
    assert deal.purpose.kind == machine.PART
    assert deal.purpose.params["number"] == case.invoice.number
    assert deal.purpose.href == payment(case.payment.id)
    trader_view = deals.get_deal(uow, case.trader, deal.id)
    assert trader_view.purpose.href == ""  # the payment is the payer's page
    owed = owed_text(trader_view.purpose, "ru")
    assert case.invoice.number in owed and "часть 2" in owed
    (note,) = [n for n in notifications.list_notifications(uow, case.trader) if n.deal_id == deal.id]
    assert note.text_key == "notify.deal_opened_for"
    text = translate("en", note.text_key, **message_params(note.params, "en"))
    assert text.endswith("· Invoice part")


def test_the_operator_reads_what_a_disputed_deal_is_for(uow):
    case = part_deal_case(uow)
    operator = make_user(uow, operator=True)
    deal = open_part_deal(uow, case, 2)
    deals.mark_fiat_sent(uow, case.payer, deal.id, now=NOW)
    disputes.open_dispute(uow, case.payer, deal.id, now=DISPUTABLE)
    (open_one,) = disputes.list_open_disputes(uow, operator)
    assert open_one.deal.purpose.kind == machine.PART
    assert case.invoice.number in owed_text(open_one.deal.purpose, "en")
