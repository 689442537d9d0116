"""First paint of link pages and live-update latency, in a real browser: `python bench/live.py [URL]`.

Against a running app with the fake chain and the demo wallet (`make run`; URL defaults to
http://localhost:3000), in Debian's Chromium:
1. First paint. Each link page (/pay/<n>, /i/<n>, /deals/<n>, /market/ads/<n>, /payment/<n>,
   /invoices/<n>) ROUNDS times, from navigation start (performance.now()) to the first visible header,
   skeleton and data. Baseline, in the same run and alternating with it: the same page served what the
   server served before api/link_pages.py, the SPA fallback (the request is sent on to a path no page
   claims, whose answer is that fallback). Printed as medians and the shell / fallback ratio.
2. Live updates, ROUNDS each: a faucet deposit from its "sent" toast to the new balance on /wallet; a
   deal opened by a buyer to its row in the seller's open /deals; "I have paid" to the seller's open deal
   page. The part the chain bounds (the fake chain's next block, FAKE_BLOCK_INTERVAL_S) is printed
   beside the faucet's; every other change is announced (krypton_app/wakeups.py): nothing waits for a poll.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
import uuid

from playwright.sync_api import Page, expect, sync_playwright

from krypton_app.chain.factory import FAKE_BLOCK_INTERVAL_S

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://localhost:3000").rstrip("/")
ROUNDS = 5
CHROMIUM = "/usr/bin/chromium"
DEAL_URL = re.compile(r"/deals/(\d+)/?$")
# Records when each marked element first becomes visible, from the first byte of the document on.
OBSERVER = """
window.__seen = {};
const marks = %s;
const check = () => { for (const [name, sel] of Object.entries(marks)) {
  if (window.__seen[name] === undefined) { const el = document.querySelector(sel);
    if (el && el.getBoundingClientRect().height > 0) window.__seen[name] = performance.now(); } } };
new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
"""


def login(page: Page, *, funded: bool) -> None:
    page.goto(BASE + "/")
    page.get_by_test_id("demo-login").click()
    expect(page.get_by_test_id("balance-TON")).to_be_visible()
    if funded:
        page.get_by_test_id("faucet-TON").click()
        expect(page.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("10")


def faucet_latency(page: Page) -> float:
    available = page.get_by_test_id("balance-TON").get_by_test_id("balance-available")
    before = available.inner_text()
    page.get_by_test_id("faucet-TON").click()
    page.get_by_text(re.compile(r"TON sent through the demo chain")).first.wait_for()
    start = time.monotonic()
    expect(available).not_to_have_text(before)
    return time.monotonic() - start


def open_deal(buyer: Page, terms: str) -> str:
    buyer.goto(BASE + "/market")
    ad = buyer.get_by_test_id("ad-card").filter(has_text=terms)
    ad.get_by_test_id("deal-amount").fill("1")
    ad.get_by_test_id("open-deal").click()
    expect(buyer).to_have_url(DEAL_URL)
    return DEAL_URL.search(buyer.url).group(1)


def first_paint(context, path: str, data: str, *, fallback: bool) -> dict[str, float]:
    page = context.new_page()
    marks = {"header": "[data-testid=language-switch]", "skeleton": "[data-testid=page-skeleton]", "data": data}
    page.add_init_script(OBSERVER % json.dumps(marks))
    if fallback:
        page.route(BASE + path, lambda route: route.continue_(url=BASE + "/no-page-here"))
    page.goto(BASE + path, wait_until="commit")
    page.locator(data).first.wait_for()
    seen = page.evaluate("window.__seen")
    page.close()
    return seen


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        seller = browser.new_context().new_page()
        login(seller, funded=True)
        faucet = [faucet_latency(seller) for _ in range(ROUNDS)]

        terms = f"bench {uuid.uuid4().hex[:8]}"
        seller.goto(BASE + "/market/new")
        for name, value in dict(price="250", total_volume="50", min_amount="1", max_amount="5", terms=terms).items():
            seller.get_by_test_id(f"ad-{name}").fill(value)
        seller.get_by_test_id("ad-publish").click()
        seller.goto(BASE + "/market/new")
        seller.get_by_test_id("my-ad").first.get_by_test_id("my-ad-edit").click()
        expect(seller).to_have_url(re.compile(r"/market/ads/\d+/edit/?$"))
        ad_id = re.search(r"/market/ads/(\d+)", seller.url).group(1)
        seller.goto(BASE + "/invoices")
        seller.get_by_test_id("invoice-new").click()
        seller.get_by_test_id("invoice-kind").get_by_role("radio", name=re.compile("Fixed amount")).click()
        seller.locator("#inv_title").fill("Bench lamp")
        seller.locator("#inv_amount").fill("1")
        seller.get_by_test_id("invoice-create").click()
        expect(seller).to_have_url(re.compile(r"/invoices/[0-9A-Z]+/?$"))
        number = seller.get_by_test_id("detail-number").inner_text().strip()

        buyer = browser.new_context().new_page()
        login(buyer, funded=True)
        buyer.goto(f"{BASE}/i/{number}")
        buyer.get_by_test_id("direct-pay").click()
        expect(buyer).to_have_url(re.compile(r"/payment/\d+/?$"))
        payment_id = buyer.url.rstrip("/").rsplit("/", 1)[-1]

        new_deal = []
        seller.goto(BASE + "/deals")
        for _ in range(ROUNDS):
            deal_id = open_deal(buyer, terms)
            start = time.monotonic()
            expect(seller.get_by_test_id("deal-row").filter(has_text=f"#{deal_id}")).to_be_visible()
            new_deal.append(time.monotonic() - start)

        status = []
        for _ in range(ROUNDS):
            deal_id = open_deal(buyer, terms)
            seller.goto(f"{BASE}/deals/{deal_id}")
            expect(seller.get_by_test_id("deal-status")).to_have_text("Awaiting payment")
            buyer.get_by_test_id("deal-mark-paid").click()
            buyer.get_by_test_id("deal-mark-paid-confirm").click()
            expect(buyer.get_by_test_id("deal-status")).to_have_text("Payment sent")
            start = time.monotonic()
            expect(seller.get_by_test_id("deal-status")).to_have_text("Payment sent")
            status.append(time.monotonic() - start)

        links = [
            (f"/pay/{number}", buyer, "[data-testid=pay-title]"),
            (f"/i/{number}", buyer, "[data-testid=pay-title]"),
            (f"/deals/{deal_id}", buyer, "[data-testid=deal-status]"),
            (f"/market/ads/{ad_id}", buyer, "[data-testid=ad-price]"),
            (f"/payment/{payment_id}", buyer, "[data-testid=result-status]"),
            (f"/invoices/{number}", seller, "[data-testid=detail-number]"),
        ]
        print(f"first paint, median of {ROUNDS} (ms from navigation start): shell vs SPA fallback")
        for path, owner, data in links:
            runs = {"shell": [], "fallback": []}
            for _ in range(ROUNDS):
                for variant in runs:
                    runs[variant].append(first_paint(owner.context, path, data, fallback=variant == "fallback"))
            header = {v: median([r["header"] for r in rs]) for v, rs in runs.items()}
            data_ms = {v: median([r["data"] for r in rs]) for v, rs in runs.items()}
            skeleton = median([r["skeleton"] for r in runs["shell"] if "skeleton" in r])
            print(
                f"  {path.rsplit('/', 1)[0] + '/<n>':18} header {header['shell']:6.0f} vs {header['fallback']:6.0f}"
                f" (x{header['shell'] / header['fallback']:.2f})  skeleton {skeleton:6.0f}"
                f"  data {data_ms['shell']:6.0f} vs {data_ms['fallback']:6.0f}"
                f" (x{data_ms['shell'] / data_ms['fallback']:.2f})"
            )
        browser.close()

    # Before push (announcements), each of these waited for its tab's poll: 1.5 s, 3 s and 1.5 s.
    print(f"live updates, median of {ROUNDS} (s), from the action to the other tab showing it")
    rows = [
        ("faucet deposit on /wallet", faucet, f"chain: next block <= {FAKE_BLOCK_INTERVAL_S} s"),
        ("new deal in the seller's /deals", new_deal, ""),
        ("'I have paid' on the seller's deal page", status, ""),
    ]
    for name, values, note in rows:
        print(f"  {name:42} {median(values):5.2f} (max {max(values):.2f}) {note}")


if __name__ == "__main__":
    main()
