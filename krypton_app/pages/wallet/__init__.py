"""The wallet, two pages with a switch at the top of both (tabs.py):

/wallet (balances.py): balances, the demo faucet, the deposit card (deposit.py), the withdraw card
(withdraw.py, its flow in withdraw_state.py) and the recent withdrawals (recent.py), with the page's
state in state.py; /history (history.py): every ledger movement, filtered, paged, exported to CSV.
Both follow the ledger live through state/live.py."""

from krypton_app.pages.wallet.balances import wallet
from krypton_app.pages.wallet.history import history

__all__ = ["history", "wallet"]
