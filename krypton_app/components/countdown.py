"""A countdown to a moment, ticking in the browser: `label mm:ss` until `deadline`, then `expired_text`.

The browser's clock only draws it; what is still valid is decided on the server when the payer acts
(a rate quote, for one). A new `deadline` from the state restarts it.
"""

from __future__ import annotations

import reflex as rx
from reflex.utils.imports import ImportVar

_CODE = """
function KryptonCountdown({ deadline, label, expiredText, ...rest }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  if (left <= 0) return createElement("span", { ...rest, "data-expired": "true" }, expiredText);
  const minutes = String(Math.floor(left / 60)).padStart(2, "0");
  const seconds = String(left % 60).padStart(2, "0");
  // The time wraps as one piece; the expired text wraps like any sentence.
  const text = `${label ? label + " " : ""}${minutes}:${seconds}`;
  return createElement("span", { ...rest, style: { whiteSpace: "nowrap" } }, text);
}
"""


class Countdown(rx.Component):
    tag = "KryptonCountdown"

    # milliseconds since the epoch, as Date.now() counts them
    deadline: rx.Var[int]
    label: rx.Var[str]
    expired_text: rx.Var[str]

    def add_imports(self) -> dict[str, list[ImportVar]]:
        return {"react": [ImportVar(tag="useEffect"), ImportVar(tag="useState"), ImportVar(tag="createElement")]}

    def add_custom_code(self) -> list[str]:
        return [_CODE]


def countdown(
    deadline: rx.Var[int], *, label: rx.Var[str] | str = "", expired_text: rx.Var[str] | str, **props
) -> rx.Component:
    return Countdown.create(deadline=deadline, label=label, expired_text=expired_text, **props)
