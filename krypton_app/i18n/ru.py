"""Русский каталог: те же ключи, что в `en.py`."""

CATALOG: dict[str, str] = {
    # Shell
    "app.name": "Krypton",
    "app.tagline": "Платежи на TON",
    "nav.wallet": "Кошелёк",
    "nav.pay": "Оплатить",
    "nav.buy": "Купить",
    "nav.market": "Рынок",
    "nav.invoices": "Счета",
    "nav.deals": "Сделки",
    "nav.operator": "Оператор",
    "nav.profile": "Профиль",
    "nav.menu": "Меню",
    "header.language": "Язык",
    "header.theme": "Светлая / тёмная тема",
    "header.logout": "Выйти",
    "header.login": "Войти",
    "header.account": "Аккаунт",
    "footer.note": "Krypton в ранней разработке. Балансы здесь пока не настоящие деньги.",
    "lang.en": "English",
    "lang.ru": "Русский",
    # Landing
    "landing.badge": "Работает на TON",
    "landing.title": "Получайте в крипте. Живите в фиате.",
    "landing.subtitle": (
        "Krypton — кошелёк и платёжная касса в одном месте: храните TON и USDT, выставляйте счета, "
        "которые можно оплатить частями и любым способом, и безопасно торгуйте с людьми через эскроу."
    ),
    "landing.features_title": "Что можно делать в Krypton",
    "landing.features_subtitle": (
        "Одно приложение для тех, кому платят в криптовалюте, и для продавцов, которым может заплатить кто угодно."
    ),
    "feature.wallet.title": "Кошелёк",
    "feature.wallet.body": ("Храните TON и USDT на TON. Сразу видно, что доступно, а что заморожено под сделки."),
    "feature.invoices.title": "Счета с оплатой частями",
    "feature.invoices.body": (
        "Запросите деньги по короткому номеру счёта. Плательщик делит сумму на части и оплачивает "
        "каждую по-своему: с баланса, через Lightning, наличными через трейдера или ваучером."
    ),
    "feature.p2p.title": "P2P с эскроу",
    "feature.p2p.body": (
        "Покупайте и продавайте крипту за местную валюту. Монеты продавца заморожены в эскроу, пока "
        "не придёт оплата; есть чат и разбор споров."
    ),
    "feature.receipts.title": "Подписанные чеки",
    "feature.receipts.body": (
        "Каждая оплата публичного счёта заканчивается подписанным чеком, который любой может проверить на сайте."
    ),
    "feature.promises.title": "Ваучеры",
    "feature.promises.body": (
        "Превратите часть баланса в код. Владелец кода может зачислить его себе, оплатить им счёт "
        "или продать за наличные."
    ),
    "feature.merchant_api.title": "API для продавцов",
    "feature.merchant_api.body": (
        "Платёжные ссылки, ссылки в Telegram, встраиваемые виджеты, REST API и подписанные вебхуки "
        "для интернет-магазинов."
    ),
    # Login
    "login.title": "Вход",
    "login.subtitle": "Ваш TON-кошелёк — это ваш аккаунт. Без пароля и почты.",
    "login.tonconnect": "Подключить TON-кошелёк",
    "login.tonconnect_hint": "Tonkeeper, MyTonWallet, Кошелёк в Telegram и другие кошельки с TON Connect.",
    "login.or": "или",
    "login.demo": "Попробовать демо-кошелёк",
    "login.demo_badge": "Демо",
    "login.demo_hint": (
        "Чтобы посмотреть Krypton: одноразовый ключ, созданный для этой вкладки браузера, подписывает "
        "настоящее доказательство TON Connect. Это не настоящий кошелёк, реальные деньги на нём не хранятся."
    ),
    "login.signed_in_title": "Вы вошли",
    "login.signed_in_as": "Вы вошли как",
    "login.open_wallet": "Открыть кошелёк",
    "login.working": "Входим…",
    # Session messages
    "auth.login_required": "Войдите, чтобы открыть эту страницу.",
    "auth.logged_out": "Вы вышли из аккаунта.",
    "auth.session_expired": "Сессия закончилась. Войдите снова.",
    "auth.welcome": "Добро пожаловать в Krypton",
    # Wallet
    "wallet.title": "Кошелёк",
    "wallet.subtitle": "Ваши балансы в Krypton.",
    "wallet.available": "Доступно",
    "wallet.held": "Заморожено",
    "wallet.held_hint": "Заморожено: средства в текущих сделках и ожидающих выводах.",
    "wallet.asset.TON": "Toncoin",
    "wallet.asset.USDT": "Tether USD на TON",
    "wallet.loading": "Загружаем балансы…",
    "wallet.tab.balances": "Балансы",
    "wallet.tab.history": "История",
    "common.copy": "Скопировать",
    "common.copied": "Скопировано",
    "live.received": "Пополнение получено: +{amount} {asset}",
    # Пополнение
    "deposit.title": "Пополнить",
    "deposit.intro": (
        "Отправьте TON или USDT в сети TON с любого кошелька на этот адрес, указав ваш мемо в комментарии."
    ),
    "deposit.address": "Адрес для пополнения",
    "deposit.memo": "Ваш мемо (комментарий)",
    "deposit.memo_warning.TON": (
        "Всегда указывайте этот мемо в комментарии к переводу. Пополнение без него нельзя зачислить "
        "автоматически: оно ждёт, пока оператор выяснит, чьё оно."
    ),
    "deposit.memo_warning.USDT": (
        "Отправляйте USDT в сети TON (жетон) и указывайте этот мемо в комментарии. Пополнение без него нельзя "
        "зачислить автоматически: оно ждёт, пока оператор выяснит, чьё оно."
    ),
    "deposit.open_wallet": "Открыть в кошельке",
    "deposit.qr_alt": "QR-код ссылки на перевод",
    # Демо-кран
    "faucet.title": "Демо-кран",
    "faucet.badge": "Тестовые деньги",
    "faucet.body": (
        "Этот сервер работает на имитации сети TON. Кран отправляет через неё пополнение с вашим мемо; "
        "баланс вырастет, когда монитор сети его зачислит, как настоящее пополнение."
    ),
    "faucet.sent": "{amount} {asset} отправлено через демо-сеть. Зачисление — через мгновение.",
    # Вывод
    "withdraw.title": "Вывести",
    "withdraw.method.ton": "Адрес TON",
    "withdraw.method.bitcoin": "Bitcoin",
    "withdraw.method.lightning": "Lightning",
    "withdraw.intro.ton": "Отправьте TON или USDT с баланса на любой кошелёк TON.",
    "withdraw.intro.bitcoin": (
        "Выплата с баланса на адрес Bitcoin. Сумма пересчитывается по текущему курсу, платит оператор."
    ),
    "withdraw.intro.lightning": (
        "Вставьте Lightning-счёт (BOLT11) с суммой. Он будет оплачен с баланса по текущему курсу."
    ),
    "withdraw.field.asset.ton": "Актив",
    "withdraw.field.asset.bitcoin": "Списать в",
    "withdraw.field.asset.lightning": "Списать в",
    "withdraw.field.address": "Адрес получателя",
    "withdraw.field.amount": "Сумма",
    "withdraw.field.invoice": "Lightning-счёт",
    "withdraw.review": "Проверить",
    "withdraw.review_title": "Проверьте перед подтверждением",
    "withdraw.to": "Куда",
    "withdraw.amount": "Сумма",
    "withdraw.fee": "Комиссия",
    "withdraw.network_fee": "Комиссия сети",
    "withdraw.total": "Итого с баланса",
    "withdraw.rate": "Курс",
    "withdraw.recipient_gets": "Получатель получит",
    "withdraw.invoice_amount": "Сумма счёта",
    "withdraw.invoice_description": "Описание",
    "withdraw.invoice_expires": "Действует до",
    "withdraw.edit": "Изменить",
    "withdraw.confirm": "Подтвердить",
    "withdraw.requested.ton": "Вывод запрошен. Сумма заморожена, пока перевод не подтвердится.",
    "withdraw.requested.bitcoin": "Выплата в Bitcoin запрошена. Сумма заморожена, пока оператор её не оплатит.",
    "withdraw.requested.lightning": "Выплата в Lightning запрошена. Сумма заморожена, пока оператор её не оплатит.",
    "recent.title": "Последние выводы",
    "recent.empty": "Выводов пока нет.",
    "recent.reference": "Транзакция",
    "recent.reject_reason": "Причина отказа",
    # Статусы выводов, выплат и пополнений на проверке
    "status.requested": "Запрошен",
    "status.expired": "Повтор",
    "status.sent": "Отправлен",
    "status.confirmed": "Подтверждён",
    "status.refunded": "Возвращён",
    "status.queued": "В очереди",
    "status.paid": "Оплачен",
    "status.rejected": "Отклонён",
    "status.pending": "Ждёт",
    "status.credited": "Зачислен",
    "status.returned": "Возвращён",
    # История
    "history.title": "История",
    "history.subtitle": "Все движения ваших денег, сначала новые.",
    "history.all_assets": "Все активы",
    "history.all_kinds": "Все виды",
    "history.download_csv": "Скачать CSV",
    "history.col.date": "Дата",
    "history.col.kind": "Вид",
    "history.col.asset": "Актив",
    "history.col.available": "Доступно",
    "history.col.held": "Заморожено",
    "history.col.memo": "Примечание",
    "history.total": "Движений",
    "history.previous": "Предыдущая страница",
    "history.next": "Следующая страница",
    "history.empty": "Здесь пока пусто.",
    "history.loading": "Загружаем историю…",
    "history.kind.deposit": "Пополнение",
    "history.kind.deposit_review_credit": "Пополнение (зачислил оператор)",
    "history.kind.withdrawal_hold": "Запрос на вывод",
    "history.kind.withdrawal": "Вывод отправлен",
    "history.kind.withdrawal_refund": "Возврат вывода",
    "history.kind.payout_hold": "Запрос на выплату",
    "history.kind.payout": "Выплата оплачена",
    "history.kind.payout_refund": "Возврат выплаты",
    "history.kind.transfer": "Перевод",
    "history.kind.hold": "Заморозка",
    "history.kind.release": "Разморозка",
    "history.kind.capture": "Списание из заморозки",
    # Консоль оператора
    "operator.title": "Консоль оператора",
    "operator.subtitle": "Ручные выплаты, пополнения без получателя и состояние учёта.",
    "operator.loading": "Загружаем консоль…",
    "operator.refused_title": "Только для операторов",
    "operator.refused": "Эта страница для операторов Krypton. У вашего аккаунта нет такой роли.",
    "operator.tab.payouts": "Очередь выплат",
    "operator.tab.deposits": "Пополнения без получателя",
    "operator.tab.invariants": "Инварианты учёта",
    "operator.no_payouts": "Выплат в очереди нет.",
    "operator.no_deposits": "Пополнений на проверке нет.",
    "operator.destination": "Куда платить",
    "operator.charged": "Заморожено у пользователя",
    "operator.reference_placeholder": "Id транзакции или прообраз",
    "operator.mark_paid": "Оплачено",
    "operator.reason_placeholder": "Причина для пользователя",
    "operator.reject": "Отклонить и вернуть",
    "operator.sender": "Отправитель",
    "operator.comment": "Комментарий",
    "operator.tx": "Транзакция",
    "operator.contact_placeholder": "@имя, телефон, почта или адрес кошелька",
    "operator.credit": "Зачислить пользователю",
    "operator.mark_returned": "Отмечено как возвращённое",
    "operator.count.transactions": "Проводок",
    "operator.count.postings": "Записей",
    "operator.count.accounts": "Счетов",
    "operator.invariants_ok": "Учёт в порядке",
    "operator.invariants_broken": "Инварианты нарушены",
    "operator.invariants_hint": (
        "Записи каждой проводки в сумме дают ноль, каждый баланс равен сумме своих записей, "
        "и ни один баланс пользователя не ниже нуля."
    ),
    "operator.checked_at": "Проверено",
    "operator.refresh": "Проверить снова",
    "operator.payout_paid": "Выплата отмечена как оплаченная.",
    "operator.payout_rejected": "Выплата отклонена, деньги вернулись пользователю.",
    "operator.deposit_credited": "Пополнение зачислено пользователю.",
    "operator.deposit_returned": "Пополнение отмечено как возвращённое.",
    # Profile
    "profile.title": "Профиль",
    "profile.subtitle": "Как вас находят другие люди и на каком языке с вами говорит Krypton.",
    "profile.wallet_address": "Адрес кошелька",
    "profile.display_name": "Имя",
    "profile.display_name_hint": "Его видят те, с кем вы торгуете.",
    "profile.username": "Имя пользователя",
    "profile.username_hint": ("Латинские буквы, цифры и подчёркивания. По нему вам можно выставить личный счёт."),
    "profile.phone": "Телефон",
    "profile.phone_hint": "Необязательно. В международном формате, например +7 912 345-67-89.",
    "profile.email": "Почта",
    "profile.email_hint": "Необязательно. По ней вам можно выставить личный счёт.",
    "profile.language": "Язык",
    "profile.save": "Сохранить",
    "profile.saved": "Профиль сохранён",
    "profile.has_errors": "Исправьте отмеченные поля.",
    "profile.loading": "Загружаем профиль…",
    # Features that are not built yet
    "soon.badge": "Ещё не готово",
    "soon.intro": "Эта часть Krypton ещё не сделана. Вот что она будет уметь:",
    "soon.back": "Вернуться в кошелёк",
    "pay.title": "Оплатить счёт",
    "pay.body": (
        "Введите номер счёта, разделите оплату на части и оплатите каждую с баланса, из Lightning-кошелька, "
        "наличными через трейдера или ваучером."
    ),
    "buy.title": "Купить крипту",
    "buy.body": (
        "Выберите страну, валюту и способ оплаты, найдите лучшее предложение трейдера и получите TON "
        "или USDT на баланс, ваучером или выводом в Bitcoin."
    ),
    "market.title": "P2P-рынок",
    "market.body": (
        "Смотрите объявления о покупке и продаже крипты за местные деньги, фильтруйте по стране, валюте "
        "и способу оплаты, публикуйте свои объявления."
    ),
    "invoices.title": "Счета",
    "invoices.body": (
        "Создавайте публичные и личные счета с фиксированной суммой или суммой на выбор плательщика, "
        "делитесь ими ссылками, ссылками в Telegram и виджетами, следите за оплатами и чеками."
    ),
    "deals.title": "Сделки",
    "deals.body": (
        "Следите за сделками по шагам: эскроу, оплата, выпуск средств — с чатом для обеих сторон, "
        "таймерами, спорами и отзывами."
    ),
    # Errors
    "error.unexpected": "Что-то пошло не так. Попробуйте ещё раз.",
    "error.error": "Что-то пошло не так. Попробуйте ещё раз.",
    "error.demo_disabled": "Демо-кошелёк на этом сервере выключен.",
    "error.ton_proof_invalid": "Не удалось проверить подтверждение кошелька. Попробуйте ещё раз.",
    "error.domain_not_allowed": "Кошелёк подписал вход для другого сайта. Подключитесь заново здесь.",
    "error.domain_length_mismatch": "Подтверждение кошелька повреждено (длина домена). Подключитесь заново.",
    "error.timestamp_too_old": "Подтверждение кошелька устарело. Подключитесь заново.",
    "error.timestamp_in_future": "Подтверждение кошелька датировано будущим. Проверьте часы на устройстве.",
    "error.wrong_network": "Кошелёк в другой сети TON. Переключите сеть и попробуйте снова.",
    "error.state_init_mismatch": "Код кошелька не соответствует его адресу.",
    "error.public_key_mismatch": "Ключ не соответствует кошельку.",
    "error.bad_signature": "Подпись кошелька недействительна.",
    "error.malformed_proof": "Кошелёк прислал подтверждение, которое Krypton не может прочитать.",
    "error.unsupported_wallet": "Этот тип кошелька пока не поддерживается.",
    "error.payload_invalid": "Запрос на вход недействителен. Обновите страницу и попробуйте снова.",
    "error.payload_expired": "Срок запроса на вход истёк. Попробуйте ещё раз.",
    "error.payload_used": "Этот запрос на вход уже использован. Попробуйте ещё раз.",
    "error.profile_invalid": "Проверьте поля профиля.",
    "error.username_invalid": "От 3 до 32 латинских букв, цифр или подчёркиваний, первая — буква.",
    "error.username_taken": "Это имя пользователя уже занято.",
    "error.phone_invalid": "Введите номер в международном формате: плюс и от 7 до 15 цифр.",
    "error.phone_taken": "Этот номер привязан к другому аккаунту.",
    "error.email_invalid": "Введите правильный адрес почты.",
    "error.email_taken": "Эта почта привязана к другому аккаунту.",
    "error.language_invalid": "Выберите русский или английский.",
    "error.display_name_too_long": "Имя слишком длинное.",
    "error.user_not_found": "Этого аккаунта больше нет.",
    "error.insufficient_funds": "Недостаточно средств на балансе.",
    "error.invalid_amount": "Неверная сумма.",
    "error.idempotency_conflict": "Этот запрос уже был сделан с другими данными.",
    "error.unbalanced_transaction": "Учёт отклонил несбалансированную проводку.",
    "error.not_found": "Не найдено. Возможно, это уже удалено.",
    "error.forbidden": "У вас нет прав на это действие.",
    "error.invalid_state": "Это действие больше недоступно: статус изменился. Обновите страницу.",
    "error.chain_unavailable": "Сеть TON сейчас недоступна. Попробуйте через минуту.",
    "error.rate_unavailable": "Курс сейчас недоступен. Попробуйте позже.",
    "error.destination_invalid": "На этот адрес нельзя выплатить.",
    "error.address_invalid": "Это не адрес TON.",
    "error.address_checksum": "В адресе TON опечатка: контрольная сумма не сходится.",
    "error.address_testnet": "Это адрес тестовой сети. Укажите адрес основной сети.",
    "error.address_workchain": "Поддерживаются только адреса основного воркчейна (0).",
    "error.bitcoin_address_invalid": "Это не адрес Bitcoin.",
    "error.bitcoin_address_network": "Этот адрес Bitcoin из другой сети.",
    "error.lightning_invoice_invalid": "Это не Lightning-счёт.",
    "error.lightning_invoice_expired": "Срок Lightning-счёта истёк. Попросите новый.",
    "error.lightning_invoice_network": "Этот Lightning-счёт для другой сети.",
    "error.lightning_invoice_no_amount": "В Lightning-счёте нет суммы. Попросите счёт с суммой.",
    "error.payout_reference_invalid": (
        "Укажите id транзакции Bitcoin или прообраз Lightning (64 шестнадцатеричных символа)."
    ),
    "error.payout_preimage_mismatch": "Этот прообраз не подходит к счёту.",
    "error.contact_not_found": "Нет пользователя с таким именем, телефоном, почтой или адресом кошелька.",
    "error.lightning_invoice_already_used": "Этот Lightning-счёт уже оплачивается.",
    "error.payout_asset_unsupported": "С этого актива выплаты недоступны.",
    "error.payout_too_small": "Сумма слишком мала для выплаты после комиссии.",
    "error.reject_reason_invalid": "Напишите причину для пользователя (до 500 символов).",
    "error.sealed_value_unreadable": "Этот сохранённый секрет больше нельзя прочитать. Обратитесь в поддержку.",
    "error.invoice_expired": "Срок действия счёта истёк.",
    "error.invoice_closed": "Счёт закрыт и больше не принимает оплату.",
    "error.invoice_limit_reached": "Счёт достиг своего лимита и больше не принимает оплату.",
    "error.payment_amount_invalid": "Эта сумма не подходит для счёта.",
    "error.parts_invalid": "Частей должно быть от 1 до максимума счёта, а их сумма — равна сумме платежа.",
    "error.invoice_is_test": "Это тестовый счёт: его можно оплатить только кнопкой симуляции.",
    "error.receipt_malformed": "Это не чек Krypton: проверьте, что скопировали текст целиком.",
    "error.receipt_signature": "Подпись чека не сходится: его изменили или его выдал не Krypton.",
    "error.receipt_wrong_invoice": "Чек подлинный, но относится к другому счёту.",
    "error.webhook_url_invalid": "Укажите полный адрес http(s) для вебхука.",
    "error.webhook_url_private": "Вебхуки нельзя отправлять на адреса частной или локальной сети.",
    "error.api_key_missing": "Передайте API-ключ в заголовке Authorization.",
    "error.api_key_invalid": "Этот API-ключ неизвестен или отозван.",
    "error.api_scope_missing": "У этого API-ключа нет нужного для вызова права.",
    "error.invoice_invalid": "Проверьте поля счёта.",
    "error.invoice_kind_invalid": "Выберите счёт с фиксированной суммой, со свободной суммой или личный.",
    "error.invoice_title_required": "Укажите название счёта.",
    "error.invoice_text_too_long": "Слишком длинный текст.",
    "error.invoice_asset_invalid": "Выберите актив, который хранит Krypton (TON или USDT).",
    "error.invoice_amount_required": "Укажите сумму либо в активе, либо в фиатной валюте.",
    "error.invoice_fiat_invalid": "Для суммы в фиате выберите валюту из списка.",
    "error.invoice_limits_invalid": "Эти ограничения противоречат друг другу или не подходят к этому виду счёта.",
    "error.invoice_expiry_invalid": "Срок действия должен быть в будущем и не дальше года.",
    "error.invoice_payer_required": "Укажите имя пользователя, телефон или email плательщика.",
    "error.invoice_payer_unknown": "Нет пользователя Krypton с таким именем, телефоном или email.",
    "error.invoice_origin_invalid": "Каждый разрешённый источник выглядит как https://shop.example (без пути).",
    "error.invoice_redirect_invalid": "Укажите полный http(s)-адрес, куда вернуть плательщика.",
    "error.webhook_url_missing": "У этого счёта нет адреса вебхука, куда отправить событие.",
    "error.api_scopes_invalid": "Выберите хотя бы одно право: invoices:read, invoices:write, webhooks:write.",
    "error.api_key_name_invalid": "Назовите ключ (до 64 символов).",
    "error.idempotency_in_progress": "Запрос с этим Idempotency-Key ещё выполняется. Повторите чуть позже.",
    "error.invalid_request": "Запрос неверен: проверьте поле, указанное в ошибке.",
}
