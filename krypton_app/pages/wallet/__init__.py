"""The wallet, three pages with a switch at the top of each (tabs.py):

/wallet (balances.py): balances, the demo faucet, the deposit card (deposit.py), the withdraw card
(withdraw.py, its flow in withdraw_state.py) and the recent withdrawals (recent.py), with the page's
state in state.py; /history (history.py): every ledger movement, filtered, paged, exported to CSV.
Both follow the ledger live through state/live.py. /payments (payments.py): the payer's invoice
payments, pending ones to continue or cancel, paid ones with their receipts."""

from krypton_app.pages.wallet.balances import wallet
from krypton_app.pages.wallet.history import history
from krypton_app.pages.wallet.payments import payments

__all__ = ["history", "payments", "wallet"]
