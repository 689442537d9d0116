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
    "notfound.title": "Страница не найдена",
    "notfound.body": (
        "По этому адресу ничего нет. Возможно, в ссылке опечатка или то, на что она вела, больше не существует."
    ),
    "notfound.home": "На главную",
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
    "auth.logged_out_everywhere": "Вы вышли из аккаунта на всех устройствах.",
    "sessions.title": "Устройства со входом",
    "sessions.body": "Потеряли устройство или входили с чужого компьютера? Выйдите из Krypton везде, "
    "включая этот браузер. На каждом устройстве понадобится снова войти через кошелёк.",
    "sessions.logout_everywhere": "Выйти везде",
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
    "wallet.tab.payments": "Платежи",
    "payments.title": "Мои платежи",
    "payments.subtitle": (
        "Счета, которые вы оплатили или начали оплачивать. Незавершённый платёж держит оплаченные "
        "части, пока вы его не завершите или не отмените."
    ),
    "payments.empty": "Вы ещё не оплачивали счета.",
    "payments.continue": "Продолжить оплату",
    "payments.receipt": "Чек",
    "payments.details": "Подробнее",
    "payments.expires": "Отменится автоматически в",
    "payments.keep": "Не отменять",
    "payments.cancel_title": "Отменить этот платёж?",
    "payments.cancel_warning": (
        "Оплаченные части вернутся на ваш баланс, счёт останется неоплаченным. Это нельзя отменить; "
        "чтобы оплатить счёт позже, начните новый платёж."
    ),
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
    "withdraw.field.amount.ton": "Сумма",
    "withdraw.field.amount.bitcoin": "Сумма",
    "withdraw.available": "Доступно:",
    "withdraw.max": "Макс.",
    "withdraw.bitcoin_amount_hint": (
        "Укажите, сколько списать, или выберите BTC и укажите, сколько получит получатель: "
        "другая сумма — по текущему курсу."
    ),
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
    "recent.cancel": "Отменить выплату",
    "recent.cancel_title": "Отменить эту выплату?",
    "recent.cancel_body": (
        "Ничего не будет отправлено. Замороженные сумма и комиссия, {amount} + {fee}, вернутся на доступный баланс."
    ),
    "recent.cancel_keep": "Оставить",
    "recent.cancel_confirm": "Отменить выплату",
    "recent.cancelled": "Выплата отменена. Сумма и комиссия вернулись на баланс.",
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
    "status.dismissed": "Закрыт",
    "status.cancelled": "Отменён",
    # История
    "history.title": "История",
    "history.subtitle": "Все движения ваших денег, сначала новые.",
    "history.all_assets": "Все активы",
    "history.all_kinds": "Все виды",
    "history.download_csv": "Скачать CSV",
    "history.col.date": "Дата",
    "history.col.asset": "Актив",
    "history.col.available": "Доступно",
    "history.col.held": "Заморожено",
    "history.col.description": "Описание",
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
    "history.kind.ad_reserve": "Резерв под объявление",
    "history.kind.ad_release": "Возврат резерва объявления",
    "history.kind.deal_escrow": "Эскроу сделки",
    "history.kind.deal_release": "Сделка: эскроу передан покупателю",
    "history.kind.deal_refund": "Сделка: эскроу возвращён продавцу",
    "history.kind.deal_resolve": "Сделка: решение оператора",
    "history.kind.invoice_hold": "Часть оплаты счёта заморожена",
    "history.kind.invoice_payment": "Оплата счёта",
    "history.kind.invoice_refund": "Возврат части оплаты счёта",
    "history.about.deposit": "Из блокчейна TON",
    "history.about.withdrawal": "На адрес {address}",
    "history.about.payout.bitcoin": "Bitcoin, на адрес {destination}",
    "history.about.payout.lightning": "Lightning-счёт {destination}",
    "history.about.ad.sell": "Объявление №{id}: продажа {asset} за {fiat}",
    "history.about.ad.buy": "Объявление №{id}: покупка {asset} за {fiat}",
    "history.about.deal": "Сделка №{id} с {name}",
    "history.about.invoice": "Счёт {number} · {title}",
    "history.about.invoice_part": "Счёт {number} · {title} · часть {position} из {count}",
    # Консоль оператора
    "operator.title": "Консоль оператора",
    "operator.subtitle": "Ручные выплаты, пополнения, которые монитор не смог зачислить, и состояние учёта.",
    "operator.loading": "Загружаем консоль…",
    "operator.refused_title": "Только для операторов",
    "operator.refused": "Эта страница для операторов Krypton. У вашего аккаунта нет такой роли.",
    "operator.tab.payouts": "Очередь выплат",
    "operator.tab.deposits": "Пополнения на проверке",
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
    "operator.reason.unmatched": "Комментарий не совпадает ни с чьим кодом пополнения.",
    "operator.reason.bounce_unmatched": "Вернувшийся перевод (bounce), не относящийся ни к одному нашему выводу.",
    "operator.reason.amount_not_positive": "Зачислять нечего: сумма равна нулю.",
    "operator.reason.amount_too_large": "Сумма больше, чем может вместить баланс:",
    "operator.reason.unknown_op": (
        "Сообщение с операцией, которую Krypton не принимает как пополнение (не перевод и не комментарий)."
    ),
    "operator.reason.apply_failed": "Монитор не смог её провести и пошёл дальше. Ошибка:",
    "operator.reason.body_malformed": "Тело сообщения повреждено (например, короче кода операции).",
    "operator.reason.comment_undecodable": "Комментарий не читается как текст, поэтому не называет код пополнения.",
    "operator.reason.notification_malformed": (
        "Уведомление нашего USDT-кошелька не читается: сумма неизвестна. Найдите транзакцию в блокчейне."
    ),
    "operator.dismiss": "Закрыть",
    "operator.deposit_dismissed": "Закрыто: ничего не зачислено и не возвращено.",
    # Profile
    "profile.title": "Профиль",
    "profile.subtitle": "Как вас находят другие люди и на каком языке с вами говорит Krypton.",
    "profile.wallet_address": "Адрес кошелька",
    "profile.display_name": "Имя",
    "profile.display_name_hint": "Его видят те, с кем вы торгуете.",
    "profile.username": "Имя пользователя",
    "profile.username_hint": (
        "Латинские буквы, цифры и подчёркивания. Имя принадлежит только вам: по нему вам можно выставить личный счёт."
    ),
    "profile.phone": "Телефон",
    "profile.phone_hint": (
        "Необязательно, в формате +7 912 345-67-89. Подтверждённый через Telegram, служит адресом для личных счетов."
    ),
    "profile.email": "Почта",
    "profile.email_hint": "Необязательно. Подтверждённая кодом, она позволяет выставлять вам личные счета.",
    "profile.language": "Язык",
    "profile.save": "Сохранить",
    "profile.saved": "Профиль сохранён",
    "profile.has_errors": "Исправьте отмеченные поля.",
    "profile.loading": "Загружаем профиль…",
    # Page titles
    "pay.title": "Оплатить счёт",
    "buy.title": "Купить крипту",
    "market.title": "P2P-рынок",
    "market.body": (
        "Смотрите объявления о покупке и продаже крипты за местные деньги, фильтруйте по стране, валюте "
        "и способу оплаты, публикуйте свои объявления."
    ),
    "invoices.title": "Счета",
    "deals.title": "Сделки",
    "deals.body": (
        "Следите за сделками по шагам: эскроу, оплата, выпуск средств — с чатом для обеих сторон, "
        "таймерами, спорами и отзывами."
    ),
    "common.cancel": "Отмена",
    # Invoices (merchant)
    "invoices.subtitle": "Просите деньги коротким номером, ссылкой, ссылкой в Telegram или виджетом.",
    "invoices.new": "Новый счёт",
    "invoices.create": "Создать счёт",
    "invoices.list_title": "Ваши счета",
    "invoices.empty": "Счетов пока нет. Создайте первый, чтобы получить оплату.",
    "invoices.open_existing": "Открыть счёт",
    "invoices.existing_order": "Счёт с этим номером заказа уже есть. Укажите другой номер или откройте тот счёт.",
    "invoices.loading": "Загружаем счета…",
    "invoices.section.amount": "Сумма и лимиты",
    "invoices.section.integration": "Интеграция",
    "invoice.kind.fixed": "Фиксированная сумма",
    "invoice.kind.floating": "Сумму выбирает плательщик",
    "invoice.kind.private": "Приватный",
    "invoice.kind_hint.fixed": "Эту сумму может оплатить любой; можно ограничить число оплат.",
    "invoice.kind_hint.floating": (
        "Плательщик сам выбирает сумму, например пожертвование; можно задать минимум и общий лимит."
    ),
    "invoice.kind_hint.private": "Фиксированная сумма для одного человека. Никто другой его не увидит и не оплатит.",
    "invoice.field.kind": "Тип",
    "invoice.field.title": "Название",
    "invoice.field.description": "Описание",
    "invoice.field.order_id": "Номер заказа",
    "invoice.field.asset": "Оплата в",
    "invoice.field.fiat_currency": "Цена в",
    "invoice.field.amount": "Сумма",
    "invoice.field.min_payment": "Минимум за оплату",
    "invoice.field.max_payments": "Лимит оплат",
    "invoice.field.max_total": "Лимит общей суммы",
    "invoice.field.payer_contact": "Плательщик",
    "invoice.field.max_parts": "На сколько частей можно разбить",
    "invoice.field.expires_in_s": "Срок действия",
    "invoice.field.webhook_url": "URL вебхука",
    "invoice.field.redirect_url": "Куда вернуть после оплаты",
    "invoice.field.allowed_origins": "Сайты, которым можно встраивать виджет",
    "invoice.field.is_test": "Тестовый режим",
    "invoice.hint.order_id": "Необязательно, уникален у продавца: повторное создание вернёт тот же счёт.",
    "invoice.hint.amount": "В активе или в фиатной валюте, если цена указана в ней.",
    "invoice.hint.max_payments": "Пусто — без лимита. Счёт закроется, когда лимит будет достигнут.",
    "invoice.hint.max_total": "Пусто — без лимита. Счёт закроется, когда лимит будет достигнут.",
    "invoice.hint.payer_contact": "Его @имя пользователя или email, подтверждённый в Krypton.",
    "invoice.hint.max_parts": "От 1 до 10. Каждую часть можно оплатить отдельно.",
    "invoice.hint.webhook_url": (
        'Сюда придут подписанные события; ответьте {"secrets": [...]}, чтобы передать ключи плательщику.'
    ),
    "invoice.hint.allowed_origins": "Источники через пробел, например https://shop.example. Пусто — никому.",
    "invoice.hint.is_test": "Песочница: оплачивается кнопкой симуляции тестовыми средствами, не настоящими балансами.",
    "invoice.placeholder.title": "VPN на месяц",
    "invoice.no_fiat": "В самом активе",
    "invoice.expiry.0": "Бессрочно",
    "invoice.expiry.3600": "Через 1 час",
    "invoice.expiry.86400": "Через 24 часа",
    "invoice.expiry.604800": "Через 7 дней",
    "invoice.expiry.2592000": "Через 30 дней",
    "invoice.any_amount": "Любая сумма",
    "invoice.payments": "Оплат",
    "invoice.collected": "Собрано",
    "invoice.status.open": "Открыт",
    "invoice.status.closed": "Закрыт",
    "invoice.status.expired": "Истёк",
    "invoice.close_reason.limit_reached": "Закрылся сам: достигнут лимит.",
    "invoice.close_reason.merchant": "Закрыт вами.",
    "invoice.close_reason.expired": "Срок действия истёк.",
    "payment.status.pending": "Ждёт оплаты частей",
    "payment.status.completed": "Оплачено",
    "payment.status.cancelled": "Отменён",
    "payment.status.refunded": "Возвращён",
    "part.status.pending": "Не оплачена",
    "part.status.funded": "Оплачена",
    "part.status.captured": "Зачислена",
    "part.status.returned": "Возвращена",
    "delivery.status.pending": "В очереди",
    "delivery.status.delivered": "Доставлено",
    "delivery.status.failed": "Не доставлено",
    # Invoice detail
    "detail.back": "Все счета",
    "detail.amount": "Сумма",
    "detail.expires": "Истекает",
    "detail.settings": "Настройки",
    "detail.left": "осталось",
    "detail.links": "Ссылки",
    "detail.direct_link": "Прямая ссылка (один экран)",
    "detail.helper_link": "Ссылка с помощником (по шагам)",
    "detail.telegram_link": "Ссылка на бота в Telegram",
    "detail.telegram_app_link": "Ссылка на Mini App в Telegram",
    "detail.telegram_off": "Ссылки Telegram появятся, когда на сервере указано имя бота.",
    "detail.qr_alt": "QR-код прямой ссылки",
    "detail.chart": "Оплаты по дням",
    "detail.payments": "Оплаты",
    "detail.no_payments": "Оплат пока нет.",
    "detail.deliveries": "Доставка вебхуков",
    "detail.no_webhook": "У этого счёта нет URL вебхука.",
    "detail.no_deliveries": "Событий ещё не было.",
    "detail.attempts": "Попыток",
    "detail.redeliver": "Отправить снова",
    "detail.send_test": "Тестовое событие",
    "detail.refresh": "Обновить",
    "detail.embed": "Встроить виджет",
    "detail.embed_intro": "Вставьте это на свой сайт. Виджет сообщает странице выбор плательщика через postMessage.",
    "detail.origins": "Можно встраивать",
    "detail.no_origins": "никому (виджет нельзя встроить)",
    "detail.simulate": "Симулировать оплату",
    "detail.close": "Закрыть счёт",
    "detail.close_warning": "Его больше нельзя будет оплатить. Части незавершённых оплат вернутся плательщикам.",
    "detail.closed": "Счёт закрыт.",
    "detail.simulated": "Тестовая оплата проведена.",
    "detail.test_event_sent": "Тестовое событие поставлено в очередь.",
    "detail.redelivery_queued": "Повторная отправка поставлена в очередь.",
    # Developers
    "dev.title": "Разработчикам",
    "dev.tab.keys": "API-ключи",
    "dev.tab.webhooks": "Секреты вебхуков",
    "dev.keys_intro": "Ключи для REST API в /api/v1. Хранится только хеш: ключ показывается один раз.",
    "dev.key_name": "Название, например «магазин»",
    "dev.test_key": "Тестовый режим",
    "dev.create_key": "Создать ключ",
    "dev.no_keys": "API-ключей пока нет.",
    "dev.revoke": "Отозвать",
    "dev.revoked": "Отозван",
    "dev.new_key_title": "Ваш новый API-ключ",
    "dev.new_key_once": "Скопируйте его сейчас: больше он не будет показан.",
    "dev.secret": "Секретный ключ",
    "dev.done": "Я скопировал",
    "dev.webhook_intro": (
        "Каждый вебхук несёт Krypton-Signature: HMAC-SHA-256 от времени и тела. События боевых и тестовых "
        "счетов подписываются двумя разными секретами."
    ),
    "dev.secret.live": "Боевые события",
    "dev.secret.test": "Тестовые события",
    "dev.secret_hint.live": "Подписывает события боевых счетов. Ваш рабочий сервер проверяет только его.",
    "dev.secret_hint.test": (
        "Подписывает события тестовых счетов (тестовые ключи, тестовый режим). Боевой адрес его не принимает."
    ),
    "dev.webhook_secret": "Секрет подписи",
    "dev.reveal": "Показать",
    "dev.hide": "Скрыть",
    "dev.rotate": "Сменить секрет",
    "dev.rotate_warning.live": (
        "Боевые события с этого момента подписываются новым секретом; обновите свой сервер. Тестовый секрет "
        "не меняется."
    ),
    "dev.rotate_warning.test": (
        "Тестовые события с этого момента подписываются новым секретом. Боевой секрет не меняется."
    ),
    "dev.secret_rotated.live": "Боевой секрет вебхуков сменён.",
    "dev.secret_rotated.test": "Тестовый секрет вебхуков сменён.",
    "dev.docs": "Документ OpenAPI:",
    "dev.reference": "Справочник API",
    "apiref.title": "Справочник API",
    "apiref.subtitle": "Все операции API для мерчантов: метод, путь, права, параметры и ответы.",
    "apiref.auth": (
        "Передавайте ключ API из карточки «Разработчикам» как Authorization: Bearer kr_live_…; каждый POST "
        "требует заголовок Idempotency-Key. Документ для программ:"
    ),
    "apiref.scope": "Права:",
    "apiref.no_key": "не нужны, без ключа",
    "apiref.parameters": "Параметры",
    "apiref.body": "тело запроса в JSON",
    "apiref.none": "Нет",
    "apiref.required": "обязательный",
    "apiref.responses": "Ответы",
    # Paying
    "pay.subtitle": "Введите номер счёта, который вам дали.",
    "pay.number": "Номер счёта",
    "pay.number_hint": "Буквы и цифры; регистр, пробелы и дефисы не важны.",
    "pay.number_required": "Введите номер счёта.",
    "pay.number_unknown": "Счёта с таким номером нет. Уточните его у продавца.",
    "pay.open": "Открыть",
    "pay.loading": "Загрузка…",
    "pay.sign_in": "Войти и оплатить",
    "pay.sign_in_hint": "Войдите с TON-кошельком, чтобы оплатить этот счёт. После входа вы вернётесь на эту страницу.",
    "pay.sign_in_private": "Если этот счёт выставлен лично вам, войдите, чтобы его увидеть.",
    "pay.try_another": "Ввести другой номер",
    "pay.cap_left": "Осталось до лимита",
    "pay.floating": "Сумму выбираете вы.",
    "pay.your_amount": "Ваша сумма",
    "pay.step.parts": "Части",
    "pay.step.amounts": "Суммы",
    "pay.step.fund": "Оплата",
    "pay.choose_parts": "Сколько частей?",
    "pay.parts_hint": "Разбейте оплату и оплатите каждую часть отдельно.",
    "pay.next": "Далее",
    "pay.back": "Назад",
    "pay.amounts": "Сумма каждой части",
    "pay.amounts_hint": "Вместе:",
    "pay.part": "Часть",
    "error.parts_must_sum": "Каждая часть должна быть больше нуля, а вместе — составлять всю сумму.",
    "pay.start": "К оплате",
    "pay.fund_title": "Оплатите части",
    "pay.fund_hint": "Каждая часть замораживается на вашем балансе; продавец получит деньги, когда оплачены все части.",
    "pay.fund_balance": "Оплатить с баланса",
    "pay.parts_funded": "Оплачено частей",
    "pay.cancel": "Отменить оплату",
    "pay.resumed": "Вы начали этот платёж раньше; оплаченные части сохранены.",
    "pay.cancels_at": "Если его не завершить, он отменится автоматически, а оплаченные части вернутся на баланс в",
    "direct.pay": "Оплатить с баланса",
    "direct.more_options": "Разбить на части или другие способы",
    # Result
    "result.title": "Оплата",
    "result.paid": "Оплачено",
    "result.secrets": "От продавца",
    "result.waiting": "Ждём ответа продавца…",
    "result.receipt": "Квитанция",
    "result.receipt_token": "Подписанная квитанция",
    "result.verify": "Проверить квитанцию",
    "result.no_receipt": "Для приватных счетов квитанция выдаётся по запросу.",
    "result.ask_receipt": "Получить квитанцию",
    "result.back_to_shop": "Вернуться в магазин",
    # Verify
    "verify.title": "Проверка квитанции",
    "verify.subtitle": "Вставьте квитанцию Krypton, чтобы проверить подпись и прочитать её.",
    "verify.token": "Квитанция",
    "verify.invoice": "Номер счёта (необязательно)",
    "verify.invoice_placeholder": "Проверить, что квитанция относится к этому счёту",
    "verify.empty": "Сначала вставьте квитанцию: поле пустое.",
    "verify.check": "Проверить",
    "verify.valid": "Подлинная квитанция",
    "verify.offline": "Проверяйте квитанции офлайн нашим открытым ключом:",
    "verify.field.invoice": "Счёт",
    "verify.field.payment": "Оплата",
    "verify.field.amount": "Сумма",
    "verify.field.parts": "Частей",
    "verify.field.time": "Оплачено",
    "verify.field.merchant": "Продавец",
    "verify.field.payer": "Плательщик",
    "verify.field.mode": "Режим",
    # Widget
    "widget.amount": "Сумма",
    "widget.parts": "Частей",
    "widget.currency": "Валюта",
    "widget.go": "Перейти к оплате",
    "widget.powered": "Платежи через Krypton",
    # Telegram
    "tg.opening": "Открываем…",
    "tg.unknown": "Эта ссылка Telegram никуда не ведёт в Krypton.",
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
    "error.login_link_invalid": "Ссылка для входа устарела или уже использована. Войдите снова.",
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
    "error.amount_empty": "Введите сумму.",
    "error.amount_negative": "Сумма не может быть отрицательной.",
    "error.amount_zero": "Сумма должна быть больше нуля.",
    "error.amount_exponent": "Запишите сумму обычными цифрами, без степени (1000, а не 1e3).",
    "error.amount_separator": "Запишите сумму без разделителей тысяч: 1500 или 1,5 (точка тоже подходит: 1.5).",
    "error.amount_not_a_number": "Сумма должна быть числом, например 10 или 2,5.",
    "error.amount_too_many_decimals": "В сумме слишком много знаков после запятой.",
    "error.amount_too_large": "Сумма слишком большая.",
    "error.withdrawal_below_minimum": "Сумма должна быть не меньше комиссии сети.",
    "error.idempotency_conflict": "Этот запрос уже был сделан с другими данными.",
    "error.unbalanced_transaction": "Учёт отклонил несбалансированную проводку.",
    "error.not_found": "Не найдено. Возможно, это уже удалено.",
    "error.forbidden": "У вас нет прав на это действие.",
    "error.invalid_state": "Это действие больше недоступно: статус изменился. Обновите страницу.",
    "error.payout_not_cancellable": "Оператор уже обработал эту выплату: отменить её больше нельзя.",
    "error.deposit_not_creditable": "У этой записи нет суммы для зачисления. Верните её или закройте.",
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
    "error.invoice_is_test": (
        "Это тестовый счёт: оплатить его настоящими деньгами нельзя. Отметить его оплаченным тестовыми "
        "средствами может только продавец на странице счёта."
    ),
    "pay.test_title": "Тестовый счёт",
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
    "error.invoice_parts_invalid": "Частей: целое число от 1 до 10.",
    "error.invoice_limits_invalid": "Эти ограничения противоречат друг другу или не подходят к этому виду счёта.",
    "error.invoice_expiry_invalid": "Срок действия должен быть в будущем и не дальше года.",
    "error.invoice_payer_required": "Укажите имя пользователя или email плательщика.",
    "error.invoice_payer_unknown": "Нет пользователя Krypton с таким именем или подтверждённым email.",
    "error.invoice_origin_invalid": "Каждый разрешённый источник выглядит как https://shop.example (без пути).",
    "error.invoice_redirect_invalid": "Укажите полный http(s)-адрес, куда вернуть плательщика.",
    "error.webhook_url_missing": "У этого счёта нет адреса вебхука, куда отправить событие.",
    "error.api_scopes_invalid": "Выберите хотя бы одно право: invoices:read, invoices:write, webhooks:write.",
    "error.api_key_name_invalid": "Назовите ключ (до 64 символов).",
    "error.idempotency_in_progress": "Запрос с этим Idempotency-Key ещё выполняется. Повторите чуть позже.",
    "error.invalid_request": "Запрос неверен: проверьте поле, указанное в ошибке.",
    "error.method_not_allowed": "Этот адрес не принимает такой HTTP-метод: допустимые указаны в заголовке Allow.",
    "error.invalid_json": "Тело запроса — не корректный JSON (UTF-8, вложенность не глубже 32 уровней).",
    "error.deal_state": "Сделка уже изменилась: обновите страницу, чтобы увидеть её состояние.",
    "error.deal_dispute_too_early": "Открыть спор пока нельзя: на странице сделки указано, когда станет можно.",
    "error.deal_payment_window_over": "Время на оплату истекло: сделка отменяется, монеты возвращаются продавцу.",
    "error.ad_inactive": "Это объявление неактивно.",
    "error.ad_amount_out_of_range": "Сумма вне лимитов объявления.",
    "error.ad_volume_exhausted": "В объявлении не осталось объёма на эту сумму.",
    "error.ad_requirements_unmet": "Вы пока не подходите под требования этого трейдера.",
    "error.ad_own": "Нельзя откликнуться на своё объявление.",
    "error.ad_invalid": "Объявление не сохранено: проверьте поля.",
    "error.ad_side_invalid": "Выберите, продаёте вы или покупаете криптовалюту (после публикации не меняется).",
    "error.ad_market_invalid": "Выберите согласованные актив, валюту и страну.",
    "error.ad_methods_invalid": "Выберите от 1 до 5 способов оплаты, доступных в этой стране.",
    "error.ad_price_invalid": "Укажите цену больше нуля или наценку от -50% до +50% (до двух знаков).",
    "error.ad_limits_invalid": "Лимиты: 0 < минимум ≤ максимум ≤ общий объём (и не меньше уже взятого сделками).",
    "error.ad_window_invalid": "Окно оплаты — от 5 до 180 минут.",
    "error.ad_terms_invalid": "Условия — не более 2000 символов.",
    "error.review_verdict_required": "Выберите: положительный или отрицательный.",
    "error.ad_payment_details_invalid": "Реквизиты — не более 200 символов.",
    "error.ad_requirements_invalid": "Требуемое число завершённых сделок — от 0 до 10000.",
    "error.dispute_outcome_invalid": "Выберите решение спора: выплатить, вернуть или разделить.",
    "error.dispute_share_invalid": "Доля покупателя — процент от 0 до 100, например 50.",
    "error.deal_amount_invalid": "Укажите сумму сделки.",
    "error.deal_method_invalid": "Выберите один из способов оплаты этого объявления.",
    "error.dispute_statement_invalid": "Заявление — от 1 до 5000 символов.",
    "error.chat_text_empty": "Напишите сообщение или приложите изображение.",
    "error.chat_text_too_long": "Сообщение — не длиннее 2000 символов.",
    "error.chat_image_type": "Приложите изображение PNG, JPEG или WebP.",
    "error.chat_image_too_large": "Изображение — не больше 2 МБ.",
    "error.chat_image_too_many_pixels": "Изображение — не больше 16 мегапикселей.",
    "error.notification_kind": "Неизвестный тип уведомления.",
    "error.review_too_early": "Отзыв можно оставить, когда сделка завершена или спор по ней решён.",
    "error.review_duplicate": "Вы уже оставили отзыв по этой сделке.",
    "error.review_comment_too_long": "Комментарий к отзыву — не длиннее 1000 символов.",
    "notify.chat_message": "Новое сообщение в сделке №{deal_id}",
    "notify.deal_opened": "Новая сделка №{deal_id} по вашему объявлению: {amount} {asset}",
    "notify.dispute_opened": "По сделке №{deal_id} открыт спор: нужен оператор.",
    "deal.sys.opened": "Сделка №{deal_id} открыта: {amount} {asset} в эскроу. Покупатель, оплатите в отведённое время.",
    "deal.sys.fiat_sent": (
        "Сделка №{deal_id}: покупатель сообщил об оплате. Продавец, проверьте поступление и отпустите криптовалюту."
    ),
    "deal.sys.fiat_sent_undone": (
        "Сделка №{deal_id}: покупатель отменил отметку «оплачено»; время на оплату пошло заново."
    ),
    "deal.sys.released": "Сделка №{deal_id}: продавец отпустил криптовалюту. Сделка завершена.",
    "deal.sys.cancel_requested": (
        "Сделка №{deal_id}: одна из сторон просит отмену. Если вторая сторона тоже отменит, сделка закончится."
    ),
    "deal.sys.cancelled": "Сделка №{deal_id} отменена; эскроу вернулся продавцу.",
    "deal.sys.expired": "Сделка №{deal_id} истекла без оплаты; эскроу вернулся продавцу.",
    "deal.sys.disputed": "По сделке №{deal_id} открыт спор. Обе стороны, опишите ситуацию; решение примет оператор.",
    "deal.sys.disputed_by_timer": (
        "Сделка №{deal_id}: после оплаты криптовалюту не отпустили вовремя, решение примет оператор. Обе "
        "стороны, опишите ситуацию."
    ),
    "deal.sys.resolved_release": "Сделка №{deal_id}: оператор передал эскроу покупателю.",
    "deal.sys.resolved_refund": "Сделка №{deal_id}: оператор вернул эскроу продавцу.",
    "deal.sys.resolved_split": "Сделка №{deal_id}: оператор разделил эскроу между покупателем и продавцом.",
    "deal.sys.pay_soon": "Сделка №{deal_id}: осталось {minutes} мин., чтобы оплатить и нажать «оплачено».",
    "deal.sys.release_soon": (
        "Сделка №{deal_id}: осталось {minutes} мин., чтобы отпустить криптовалюту, иначе решение примет оператор."
    ),
    # P2P market UI
    "market.subtitle": "Покупайте и продавайте TON и USDT за местные деньги; криптовалюта хранится в эскроу.",
    "market.side.buy": "Хочу купить",
    "market.side.sell": "Хочу продать",
    "market.filter.side": "Сторона",
    "market.filter.asset": "Криптовалюта",
    "market.filter.fiat": "Валюта",
    "market.filter.country": "Страна",
    "market.filter.method": "Способ оплаты",
    "market.filter.amount": "Сумма",
    "market.any": "Любой",
    "market.yours": "Ваше",
    "market.published": "Объявление опубликовано.",
    "market.published_view": "Открыть",
    "market.empty": "Пока нет предложений с такими фильтрами.",
    "market.limits": "Лимиты",
    "market.remaining": "Доступно",
    "market.methods": "Способы оплаты",
    "market.deal_amount": "Сумма криптовалюты",
    "market.open_deal": "Открыть сделку",
    "market.new_ad": "Новое объявление",
    "ad.field.side": "Я хочу",
    "ad.side.sell": "Продать криптовалюту",
    "ad.side.buy": "Купить криптовалюту",
    "ad.field.asset": "Криптовалюта",
    "ad.field.fiat": "Валюта",
    "ad.field.country": "Страна",
    "ad.field.methods": "Способы оплаты",
    "ad.methods_hint": "Отметьте все способы, которые принимаете; покупатель выберет один из них.",
    "ad.field.price_kind": "Тип цены",
    "ad.price.fixed": "Фиксированная",
    "ad.price.floating": "Плавающая (наценка %)",
    "ad.field.price": "Цена за единицу или наценка %",
    "ad.field.total_volume": "Общий объём",
    "ad.field.min_amount": "Минимум за сделку",
    "ad.field.max_amount": "Максимум за сделку",
    "ad.field.payment_window_min": "Время на оплату, минут",
    "ad.field.min_completed_deals": "Минимум завершённых сделок у покупателя",
    "ad.field.terms": "Условия",
    "ad.field.payment_details": "Реквизиты для оплаты",
    "ad.payment_details_hint": (
        "Куда покупатель переводит деньги (номер карты или телефона, имя). Их видит только покупатель в "
        "сделке, на странице сделки; на рынке их нет."
    ),
    "ad.publish": "Опубликовать",
    "deals.subtitle": "Ваши сделки: эскроу, оплата, выпуск и чат со второй стороной.",
    "deals.list_title": "Мои сделки",
    "deals.empty": "У вас пока нет сделок. Откройте сделку на рынке.",
    "deal.title": "Сделка",
    "deal.missing": "Такой сделки нет, или она не ваша.",
    "deal.loading": "Загружаем сделку…",
    "deal.role.buyer": "Покупатель",
    "deal.role.seller": "Продавец",
    "deal.role.operator": "Оператор",
    "deal.role.None": "—",
    "deal.system": "Krypton",
    "deal.status.requested": "Запрошена",
    "deal.status.escrow_locked": "Ожидает оплаты",
    "deal.status.fiat_sent": "Оплата отправлена",
    "deal.status.released": "Завершена",
    "deal.status.cancelled": "Отменена",
    "deal.status.expired": "Истекла",
    "deal.status.disputed": "Спор",
    "deal.status.resolved": "Решена",
    "deal.field.role": "Моя роль",
    "deal.field.amount": "Сумма",
    "deal.field.fiat_amount": "К оплате",
    "deal.field.price": "Цена",
    "deal.field.method": "Способ оплаты",
    "deal.field.time_left": "Осталось времени",
    "deal.dispute_rule_before": "Любая сторона может открыть спор через",
    "deal.dispute_rule_after": "после того, как покупатель отметит оплату.",
    "deal.dispute_in": "Спор можно будет открыть через",
    "deal.cancel_asked": "Вторая сторона просит отменить сделку. Нажмите «Согласиться на отмену».",
    "deal.cancel_waiting": "Вы попросили отменить сделку; ждём согласия второй стороны.",
    "deal.action.mark_paid": "Я оплатил",
    "deal.action.undo": "Отменить «оплачено»",
    "deal.action.release": "Отпустить криптовалюту",
    "deal.action.cancel": "Отменить сделку",
    "deal.action.agree_cancel": "Согласиться на отмену",
    "deal.action.dispute": "Открыть спор",
    "deal.confirm.back": "Назад",
    "deal.confirm.paid_title": "Вы оплатили?",
    "deal.confirm.paid_before": "Подтвердите, что вы перевели",
    "deal.confirm.to": "пользователю",
    "deal.confirm.paid_after": (
        ". Продавец получит просьбу отпустить криптовалюту. Отметить сделку оплаченной без оплаты — мошенничество."
    ),
    "deal.confirm.paid_ok": "Да, я оплатил",
    "deal.confirm.release_title": "Отпустить криптовалюту?",
    "deal.confirm.release_before": "Отпустить",
    "deal.confirm.release_after": "? Это действие нельзя отменить.",
    "deal.confirm.release_unpaid": (
        "Покупатель ещё не отметил оплату. Отпускайте, только если деньги уже пришли на ваш счёт."
    ),
    "deal.confirm.release_ok": "Отпустить",
    "deal.confirm.cancel_title": "Отменить сделку?",
    "deal.confirm.cancel_now_before": "Сделка завершится сейчас, и",
    "deal.confirm.cancel_now_after": "вернутся продавцу. Это действие нельзя отменить.",
    "deal.confirm.cancel_request_before": "Попросить",
    "deal.confirm.cancel_request_after": (
        "отменить сделку? Она будет отменена, когда другая сторона согласится; до тех пор ничего не меняется."
    ),
    "deal.confirm.cancel_ok": "Отменить сделку",
    "deal.confirm.dispute_title": "Открыть спор?",
    "deal.confirm.dispute_before": "Оператор прочитает чат и объяснения обеих сторон и решит, кому достанутся",
    "deal.confirm.dispute_after": ". До решения ни одна сторона не сможет отпустить или отменить сделку.",
    "deal.confirm.dispute_ok": "Открыть спор",
    "deal.trade_info": "Условия сделки",
    "deal.counterparty": "Контрагент",
    "deal.completed_deals": "Завершённых сделок",
    "deal.completion_rate": "Доля завершённых (30 дней)",
    "deal.pay_to": "Реквизиты для оплаты",
    "deal.my_payment_details": "Ваши реквизиты (их видит покупатель)",
    "deal.chat": "Чат",
    "deal.chat_placeholder": "Напишите сообщение…",
    "deal.chat_send": "Отправить",
    "operator.tab.disputes": "Споры",
    "operator.no_disputes": "Нет споров, ждущих решения.",
    "operator.statements": "заявлений",
    "deal.chat_attach": "Прикрепить изображение",
    "deal.chat_image": "Изображение из чата",
    "notifications.title": "Уведомления",
    "notifications.read_all": "Прочитать все",
    "notifications.empty": "Пока ничего нового.",
    "dispute.title": "Спор",
    "dispute.opened_by.buyer": "Открыт покупателем",
    "dispute.opened_by.seller": "Открыт продавцом",
    "dispute.opened_by.timer": "Открыт таймером выпуска",
    "dispute.outcome.open": "Ждёт оператора",
    "dispute.outcome.released_to_buyer": "Оператор выпустил эскроу покупателю.",
    "dispute.outcome.refunded_to_seller": "Оператор вернул эскроу продавцу.",
    "dispute.outcome.split": "Оператор разделил эскроу.",
    "dispute.to_buyer": "Покупателю",
    "dispute.to_seller": "продавцу",
    "dispute.no_statement": "Заявления пока нет.",
    "dispute.statement_hint": (
        "Расскажите оператору, что произошло: когда и как вы заплатили или что получили. Заявления "
        "читает только оператор; своё можно переписать до решения."
    ),
    "dispute.statement_placeholder": "Ваше заявление",
    "dispute.statement_save": "Сохранить заявление",
    "dispute.statement_saved": "Сохранено.",
    "dispute.other_wrote": "Другая сторона написала заявление.",
    "dispute.other_not_yet": "Другая сторона ещё не написала заявление.",
    "dispute.seller_statement": "Заявление продавца",
    "dispute.buyer_statement": "Заявление покупателя",
    "dispute.my_statement": "Ваше заявление",
    "dispute.decide.release": "Выпустить всё покупателю",
    "dispute.decide.refund": "Вернуть всё продавцу",
    "dispute.decide.split": "Разделить: покупателю доля",
    "dispute.share_hint": "% покупателю (при разделе)",
    "dispute.decide.next": "Проверить решение",
    "dispute.confirm": "Решение окончательное и сразу переводит эскроу.",
    "dispute.decide.confirm": "Подтвердить решение",
    "dispute.decide.back": "Назад",
    "ad.status.active": "Активно",
    "ad.status.paused": "На паузе",
    "ad.status.closed": "Закрыто",
    "ad.pause": "Пауза",
    "ad.resume": "Возобновить",
    "ad.close": "Закрыть",
    "ad.mine": "Мои объявления",
    "ad.mine_empty": "Вы ещё не публиковали объявлений.",
    "market.trader.completion": "завершено",
    "deal.review.title": "Отзыв о второй стороне",
    "deal.review.positive": "Положительный",
    "deal.review.negative": "Отрицательный",
    "deal.review.comment": "Комментарий (необязательно)",
    "deal.review.send": "Оставить отзыв",
    "deal.review.done": "Спасибо, ваш отзыв сохранён.",
    "time.under_minute": "< 1 мин",
    "time.minutes": "{minutes} мин",
    "time.hours_minutes": "{hours} ч {minutes} мин",
    "time.hours": "{hours} ч",
    "market.details": "Подробнее",
    "market.trader.release": "отпуск",
    "ad.title": "Объявление",
    "ad.back": "Назад на рынок",
    "ad.offer.sell": "Продаёт",
    "ad.offer.buy": "Покупает",
    "ad.view.price": "Цена за единицу",
    "ad.view.window": "Время на оплату",
    "ad.view.requirement": "Требование к покупателю",
    "ad.requirement.none": "Нет",
    "ad.requirement.min": "Завершённых сделок, не меньше",
    "ad.deal_title": "Открыть сделку",
    "ad.login_hint": "Войдите с кошельком, чтобы открыть сделку.",
    "ad.paused_note": "Трейдер поставил объявление на паузу: сделки сейчас открыть нельзя.",
    "ad.own_note": "Это ваше объявление.",
    "ad.not_found": "Объявление не найдено или больше не доступно.",
    "ad.trader.title": "Трейдер",
    "ad.trader.completed": "Завершённых сделок",
    "ad.trader.rate": "Завершено за 30 дней",
    "ad.trader.release": "Среднее время отпуска",
    "ad.trader.reviews": "Отзывы",
    "ad.edit": "Изменить",
    "ad.edit_title": "Редактирование объявления",
    "ad.view_page": "Страница объявления",
    "ad.save": "Сохранить изменения",
    "ad.fixed_after_posting": (
        "Сторону и криптовалюту нельзя изменить после публикации: для этого закройте объявление и опубликуйте новое."
    ),
    "ad.loading": "Загружаем объявление…",
    # --- verified contacts (issue 9, item 5) ---
    "profile.user_number": "Номер пользователя",
    "profile.user_number_hint": "Назовите его поддержке, если ваше пополнение пришло без вашего комментария.",
    "profile.email_verified": "Подтверждена",
    "profile.email_unverified": "Не подтверждена",
    "profile.verify.title": "Подтвердите почту",
    "profile.verify.intro": (
        "Мы отправим на этот адрес 6-значный код. Пока вы его не введёте, никто не сможет выставить на него счёт."
    ),
    "profile.verify.send": "Отправить код",
    "profile.verify.resend": "Отправить новый код",
    "profile.verify.sent": "Код отправлен. Он действует 15 минут; загляните и в папку «Спам».",
    "profile.verify.code": "Код из письма",
    "profile.verify.submit": "Подтвердить",
    "profile.verify.done": "Почта подтверждена",
    "profile.verify.verified_note": "По этому адресу вам можно выставлять личные счета.",
    "profile.verify.outbox": (
        "Разработка: почтовый сервер не настроен, поэтому письмо не отправлено, а записано в папку outbox/ проекта."
    ),
    "operator.user_ref_placeholder": "Адрес кошелька или номер пользователя",
    "mail.email_code.subject": "Код Krypton: {code}",
    "mail.email_code.text": (
        "Ваш код Krypton: {code}.\n\nВведите его на странице профиля, чтобы подтвердить эту почту. Код действует "
        "{minutes} минут и срабатывает один раз.\n\nЕсли вы его не запрашивали, просто проигнорируйте письмо: без "
        "кода никто не сможет воспользоваться вашим адресом в Krypton."
    ),
    "error.user_ref_not_found": "Нет пользователя с таким адресом кошелька или номером.",
    "error.invoice_payer_phone": (
        "Никто не подтвердил этот телефон через Telegram: укажите @имя пользователя или подтверждённый email."
    ),
    "error.email_missing": "Сначала сохраните почту в профиле.",
    "error.email_unavailable": "Этот сервер пока не умеет отправлять письма, поэтому подтвердить почту нельзя.",
    "error.email_send_failed": "Не удалось отправить письмо. Попробуйте через несколько минут.",
    "error.email_code_wait": "Код отправлен меньше минуты назад: проверьте почту или попробуйте через минуту.",
    "error.email_code_rate_limited": "Слишком много кодов за последний час. Попробуйте позже.",
    "error.email_code_missing": "Для этой почты нет действующего кода: отправьте новый.",
    "error.email_code_expired": "Срок действия кода истёк: отправьте новый.",
    "error.email_code_attempts": "Слишком много неверных кодов: отправьте новый.",
    "error.email_code_wrong": "Неверный код. Проверьте письмо и попробуйте ещё раз.",
    # --- payer pages: rate quotes (issue 9) ---
    "error.quote_renewed": "Курс обновился. Проверьте новую сумму и оплатите снова.",
    "pay.rate": "Курс",
    "pay.rate_hint": "Курс фиксируется на {minutes} мин, когда вы начинаете оплату.",
    "pay.quote_fixed": "зафиксирован ещё на",
    "pay.quote_expired": "истёк: при оплате части сначала будет взят текущий курс",
    "pay.rate_updated": "Курс обновился: теперь {amount}. Проверьте сумму и оплатите снова.",
    # --- withdraw: the Bitcoin amount's unit (issue 11, item 14) ---
    "withdraw.unit": "Единица суммы",
    # Phone: the bottom tab bar and the account menu beside it (issue 11, item 13).
    "tabbar.label": "Основные разделы",
    "nav.theme": "Светлая / тёмная тема",
}


def _decimals_ru(n: int) -> str:
    if n == 0:
        return "Сумма должна быть целым числом."
    # "Не больше" takes the genitive: одного знака, двух / девяти знаков.
    word = "знака" if n % 10 == 1 and n % 100 != 11 else "знаков"
    return f"Не больше {n} {word} после запятой."


# amount_too_many_decimals says how many the asset allows: one key per count (i18n.error_key picks it).
CATALOG.update({f"error.amount_too_many_decimals.{n}": _decimals_ru(n) for n in range(19)})

# --- errors that name the numbers (issue 11 item 10): i18n.error_text picks error.<code>.<detail> ---
CATALOG.update(
    {
        "error.payment_amount_invalid.minimum": "Минимум для этого счёта — {minimum}.",
        "error.payment_amount_invalid.left": "По этому счёту осталось оплатить только {left}.",
        "error.ad_amount_out_of_range.maximum": "Это объявление принимает от {minimum} до {maximum}.",
        "error.ad_volume_exhausted.left": "В этом объявлении осталось только {left}.",
        "error.insufficient_funds.available": "Недостаточно средств на балансе: доступно {available}.",
        "error.withdrawal_below_minimum.minimum": "Минимум — {minimum}: вывод должен покрывать комиссию сети.",
        "error.payout_too_small.minimum_sat": "После комиссии это меньше {minimum_sat} сат — наименьшей выплаты.",
    }
)

# Числа с единицами и счётчики (i18n/formatting.py). У ключа с числом по записи на каждую категорию
# CLDR: one (1, 21), few (2–4, 22), many (5–20, 11), other (дробные).
CATALOG.update(
    {
        "unit.sat": "{n} сат",
        "unit.ms": "{n} мс",
        "count.deals.one": "{n} сделка",
        "count.deals.few": "{n} сделки",
        "count.deals.many": "{n} сделок",
        "count.deals.other": "{n} сделки",
        "count.movements.one": "{n} движение",
        "count.movements.few": "{n} движения",
        "count.movements.many": "{n} движений",
        "count.movements.other": "{n} движения",
        "count.invoices.one": "{n} счёт",
        "count.invoices.few": "{n} счёта",
        "count.invoices.many": "{n} счетов",
        "count.invoices.other": "{n} счёта",
        "count.offers.one": "Найдено {n} предложение",
        "count.offers.few": "Найдено {n} предложения",
        "count.offers.many": "Найдено {n} предложений",
        "count.offers.other": "Найдено {n} предложения",
        "count.parts.one": "{n} часть",
        "count.parts.few": "{n} части",
        "count.parts.many": "{n} частей",
        "count.parts.other": "{n} части",
        "count.payments.one": "{n} платёж",
        "count.payments.few": "{n} платежа",
        "count.payments.many": "{n} платежей",
        "count.payments.other": "{n} платежа",
    }
)

# Часть платежа, оплаченная фиатом через P2P-трейдера (SPEC F10): панель мастера оплаты, сделка части
# на страницах платежа, пояснение на странице сделки и отказы.
CATALOG.update(
    {
        "paywiz.method.fiat_deal": "Фиат через трейдера",
        "payfiat.open": "Найти трейдера для этой части",
        "payfiat.title": "Оплатить эту часть фиатом через трейдера",
        "payfiat.explain": "Вы платите трейдеру в своей валюте, а его криптовалюта идёт прямо в эту часть. "
        "Если после этого платёж отменят, криптовалюта придёт на ваш баланс: фиат ведь заплатили вы.",
        "payfiat.country": "Страна",
        "payfiat.currency": "Валюта",
        "payfiat.method": "Способ оплаты",
        "payfiat.choose": "Выберите",
        "payfiat.empty": "Сейчас никто не продаёт такую сумму за эту валюту и этим способом.",
        "payfiat.price": "Цена",
        "payfiat.total": "Вы платите",
        "payfiat.limits": "Лимиты",
        "payfiat.trades": "Сделок",
        "payfiat.completion": "Завершено",
        "payfiat.open_deal": "Открыть сделку",
        "payfiat.close": "Закрыть",
        "payfiat.in_progress": "Заплатите трейдеру и пишите ему в чате сделки.",
        "payfiat.open_chat": "Открыть сделку и её чат",
        "payfiat.part.requested": "Идёт сделка",
        "payfiat.part.escrow_locked": "Идёт сделка",
        "payfiat.part.fiat_sent": "Идёт сделка: фиат отмечен как отправленный",
        "payfiat.part.disputed": "Сделка в споре: решает оператор",
        "payfiat.part.released": "Криптовалюта сделки на вашем балансе (эта часть уже не могла её принять) — "
        "оплатите часть иначе",
        "payfiat.part.resolved": "По сделке решил оператор: ваша доля, если есть, на балансе — оплатите часть иначе",
        "payfiat.part.expired": "Сделка истекла — выберите другое объявление",
        "payfiat.part.cancelled": "Сделка отменена — выберите другое объявление",
        "payfiat.deal.title": "Эта сделка оплачивает счёт",
        "payfiat.deal.part": "Часть",
        "payfiat.deal.invoice": "счёта",
        "payfiat.deal.to_invoice_buyer": "Криптовалюта идёт в счёт, а не на ваш баланс.",
        "payfiat.deal.to_invoice_seller": "Ваш выпуск оплачивает часть счёта покупателя, а не его баланс.",
        "payfiat.deal.to_invoice_operator": "Выпуск оплачивает часть счёта покупателя, а не его баланс.",
        "payfiat.deal.outcomes": "Если платёж тем временем отменили или часть оплатили иначе, выпущенная "
        "криптовалюта придёт на баланс покупателя: фиат заплатил он. Если оператор разделит спор, доля "
        "покупателя меньше суммы части: она придёт на его баланс, а часть останется неоплаченной, чтобы её "
        "оплатили иначе. Истёкшая или отменённая сделка оставляет часть неоплаченной.",
        "payfiat.deal.open_payment": "Открыть платёж",
        "deal.sys.part_funded": "Сделка #{deal_id}: криптовалюта оплатила часть {position} счёта {number}.",
        "deal.sys.part_to_balance": "Сделка #{deal_id}: часть {position} счёта {number} уже не могла принять "
        "криптовалюту (платёж отменён, часть оплачена иначе или счёт закрыт): она на балансе покупателя.",
        "deal.sys.part_split": "Сделка #{deal_id}: доля покупателя на его балансе; часть {position} счёта {number} "
        "ждёт оплаты другим способом.",
        "error.part_deal_live": "По этой части уже идёт сделка.",
        "error.part_not_pending": "Эта часть уже оплачена.",
        "error.ad_not_for_part": "Это объявление не может оплатить эту часть: выберите объявление, которое "
        "продаёт валюту счёта.",
    }
)

# Issue 12: each part's method on receipts and results; the payment's "contact the seller" chat.
CATALOG.update(
    {
        "part_method.balance": "С баланса",
        "part_method.promise": "Ваучер",
        "part_method.lightning": "Lightning",
        "part_method.fiat_deal": "Фиат через трейдера",
        "part_method.test": "Тестовые средства",
        "verify.parts_title": "Части",
        "error.chat_rate_limited": "Слишком много сообщений за минуту. Подождите немного.",
        "error.chat_operator_already_here": "Оператор уже в этом чате.",
        "paychat.title": "Сообщения об этом платеже",
        "paychat.contact_seller": "Написать продавцу",
        "paychat.contact_seller_hint": "Вопросы об этом платеже уходят прямо продавцу.",
        "paychat.open": "Сообщения",
        "paychat.about": "Платёж №{payment_id} · счёт {invoice}",
        "paychat.with": "С кем",
        "paychat.role.payer": "Плательщик",
        "paychat.role.merchant": "Продавец",
        "paychat.role.operator": "Оператор",
        "paychat.role.None": "—",
        "paychat.empty": "Сообщений пока нет. Напишите первое.",
        "paychat.call_operator": "Позвать оператора",
        "paychat.call_operator_hint": "Оператор прочитает этот чат и сможет в нём писать.",
        "paychat.operator_here": "Оператор вызван и может читать этот чат.",
        "paychat.operator_called.payer": "Плательщик позвал оператора.",
        "paychat.operator_called.merchant": "Продавец позвал оператора.",
        "paychat.notify": "Новое сообщение о платеже №{payment_id}",
        "paychat.notify_operator": "Оператора зовут в чат платежа №{payment_id}",
        "paychat.back": "К платежу",
        "paychat.missing": "Такого чата нет, или он не ваш.",
        "paychat.invoice": "Счёт",
        "operator.tab.chats": "Чаты платежей",
        "operator.no_chats": "Ни в одном чате платежа оператора не звали.",
    }
)

# Promises (SPEC F6): the history's labels, the refusals, the "My promises" and redeem pages.
CATALOG.update(
    {
        "nav.promises": "Мои ваучеры",
        "wallet.promises_hint": "код из вашего баланса, который может погасить любой",
        "promises.title": "Мои ваучеры",
        "promises.subtitle": "Превратите часть баланса в код. Владелец кода может зачислить деньги себе на баланс.",
        "promises.new": "Новый ваучер",
        "promises.loading": "Загружаем ваши ваучеры…",
        "promises.issued": "Выпущенные",
        "promises.received": "Полученные",
        "promises.empty_issued": "Вы ещё не выпускали ваучеры.",
        "promises.empty_received": "Вы ещё не погашали ваучеры.",
        "promise.field.asset": "Актив",
        "promise.field.amount": "Сумма",
        "promise.field.pin": "Только для (необязательно)",
        "promise.hint.pin": "@имя или подтверждённая почта. Пусто: для любого, у кого есть код.",
        "promise.field.note": "Заметка (необязательно)",
        "promise.field.expiry": "Срок действия",
        "promise.expiry.0": "Бессрочно",
        "promise.expiry.3600": "1 час",
        "promise.expiry.86400": "1 день",
        "promise.expiry.604800": "7 дней",
        "promise.expiry.2592000": "30 дней",
        "promise.create": "Создать ваучер",
        "promise.created.title": "Ваучер готов",
        "promise.created.once": (
            "Сохраните код сейчас: он показывается только один раз. Кто знает код или ссылку, тот может забрать деньги."
        ),
        "promise.created.code": "Код",
        "promise.created.link": "Ссылка",
        "promise.created.qr_alt": "QR-код ссылки на ваучер",
        "promise.created.done": "Код сохранён",
        "promise.status.active": "Активен",
        "promise.status.redeemed": "Погашен",
        "promise.status.cancelled": "Отменён",
        "promise.status.expired": "Истёк",
        "promise.origin.change": "Сдача",
        "promise.origin.refund": "Возврат",
        "promise.expires": "Действует до",
        "promise.for": "Для",
        "promise.cancel": "Отменить",
        "promise.cancel.title": "Отменить ваучер?",
        "promise.cancel.body": "Код перестанет работать, а деньги вернутся на ваш баланс.",
        "promise.cancel.keep": "Оставить",
        "promise.cancel.confirm": "Отменить ваучер",
        "promise.redeem.title": "Ваучер",
        "promise.redeem.from": "От",
        "promise.redeem.button": "Зачислить на баланс",
        "promise.redeem.login": "Войдите, чтобы погасить",
        "promise.redeem.done": "Готово: деньги на вашем балансе.",
        "promise.redeem.to_wallet": "Открыть кошелёк",
        "promise.redeem.for_you": "Этот ваучер предназначен вам.",
        "promise.redeem.loading": "Открываем ваучер…",
        "history.kind.promise_create": "Ваучер создан",
        "history.kind.promise_redeem": "Ваучер погашен",
        "history.kind.promise_cancel": "Ваучер отменён",
        "history.kind.promise_expire": "Срок ваучера истёк",
        "history.about.promise": "Ваучер {hint}…",
        "history.about.promise_note": "Ваучер {hint}… · {note}",
        "error.promise_not_found": "Ваучера с таким кодом нет. Проверьте, что код скопирован целиком.",
        "error.promise_redeemed": "Этот ваучер уже погашен.",
        "error.promise_cancelled": "Этот ваучер отменён его создателем.",
        "error.promise_expired": "Срок ваучера истёк, деньги вернулись его создателю.",
        "error.promise_pinned": "Этот ваучер предназначен другому пользователю: погасить его может только он.",
        "error.promise_guess_limit": "Слишком много неверных кодов. Попробуйте через час.",
        "error.promise_pin_unknown": "Нет пользователя с таким именем или подтверждённой почтой.",
        "error.promise_note_too_long": "Слишком длинная заметка: не больше 500 символов.",
        "error.promise_expiry_past": "Срок действия должен быть в будущем.",
        "error.promise_asset_unknown": "Выберите актив.",
        "error.promise_sandbox": "Тестовый API-ключ не может создавать ваучеры: в них настоящие деньги.",
        # Заменяет сообщение выше в этом каталоге: теперь есть и права на ваучеры.
        "error.api_scopes_invalid": (
            "Выберите хотя бы одно право: invoices:read, invoices:write, webhooks:write, promises:read, promises:write."
        ),
    }
)

# --- the pay wizard's per-part method picker and promise parts (issue 12, items 2 and 5) ---
CATALOG.update(
    {
        "paywiz.fund_hint": (
            "Выберите способ оплаты каждой части. Оплаченные части откладываются; "
            "продавец получит деньги, когда оплачены все."
        ),
        "paywiz.method.balance": "Баланс",
        "paywiz.method.promise": "Ваучер",
        "paywiz.you_pay": "Вы платите",
        "paywiz.available": "На балансе",
        "paywiz.balance_enough": "Баланса хватает на эту часть.",
        "paywiz.balance_short": "На балансе не хватает на эту часть: пополните его или выберите другой способ.",
        "paywiz.cancel_rules": "Если отменить платёж, оплаченные части вернутся:",
        "paywiz.cancel_rule.balance": "Баланс — обратно на баланс.",
        "paywiz.cancel_rule.promise": "Ваучер — новым ваучером для вас.",
        "paywiz.cancel_rule.lightning": "Lightning — на ваш баланс (саты нельзя вернуть в кошелёк).",
        "paywiz.cancel_rule.fiat": "Фиат через трейдера — крипта придёт на ваш баланс (фиат вы уже заплатили).",
        "paywiz.promise_hint": (
            "Вставьте код ваучера или его ссылку. Если в нём больше, чем эта часть, остаток сразу вернётся "
            "вам новым ваучером."
        ),
        "paywiz.promise_placeholder": "Код или https://…/p/…",
        "paywiz.pay_with_promise": "Оплатить ваучером",
        "paywiz.promise_codes": "Ваш новый ваучер",
        "paywiz.promise_codes_once": (
            "Показывается только один раз: скопируйте код или ссылку сейчас. Если потеряете, отмените ваучер "
            "в «Мои ваучеры» — деньги вернутся на баланс."
        ),
        "paywiz.promise_code": "Код",
        "paywiz.promise_link": "Ссылка",
        "paywiz.promise_origin.change": "Сдача",
        "paywiz.promise_origin.refund": "Возврат",
        "error.promise_too_small": "В ваучере меньше, чем эта часть. Уменьшите часть или оплатите её иначе.",
        "error.promise_too_small.available": (
            "В ваучере только {available} — меньше, чем эта часть. Уменьшите часть или оплатите её иначе."
        ),
        "error.promise_other_asset": "Ваучер в другой валюте, чем счёт.",
    }
)

# --- Lightning: a part paid from a Lightning wallet, the node's errors, the operator's liquidity ---
CATALOG.update(
    {
        "paywiz.method.lightning": "Lightning",
        "payln.create": "Оплатить Lightning-кошельком",
        "payln.new": "Новый Lightning-счёт",
        "payln.invoice": "Lightning-счёт (BOLT11)",
        "payln.copied": "Счёт скопирован",
        "payln.qr_alt": "QR-код Lightning-счёта",
        "payln.you_pay": "Вы платите",
        "payln.part_gets": "Часть получит",
        "payln.rate": "Курс",
        "payln.expires_in": "истекает через",
        "payln.expired": "Срок счёта истёк: создайте новый.",
        "payln.waiting": "Ждём оплату: часть отметится оплаченной сама.",
        "payln.demo_pay": "Оплатить из демо Lightning-кошелька (демо)",
        "payln.cancel_note": (
            "Если платёж отменят после вашей оплаты, стоимость этой части вернётся на ваш баланс в Krypton: "
            "саты нельзя вернуть обратно в Lightning-кошелёк."
        ),
        "operator.lightning_liquidity": "Ликвидность Lightning",
        "operator.lightning_liquidity_none": "Lightning-платежей пока не было.",
        "operator.lightning_liquidity_hint": (
            "Сколько платформа выдала за саты, полученные её Lightning-узлом, за вычетом оплаченного "
            "пользователями за саты, отправленные узлом как выплаты (минус: за ним стоят саты на узле)."
        ),
        "error.lightning_unavailable": "Lightning-узел не отвечает. Попробуйте через минуту.",
        "error.lightning_invoice_unknown": "Lightning-узел не знает этот счёт.",
        "error.lightning_payment_failed": "Lightning-платёж не прошёл: деньги не ушли.",
        "error.lightning_payment_pending": "Lightning-платёж ещё в пути.",
        "error.lightning_disabled": "Lightning-платежи здесь недоступны.",
        "error.lightning_demo_off": "Демо Lightning-кошелёк здесь недоступен.",
        # lnpayout: Lightning payouts paid through the platform's node
        "status.sending": "Отправляется",
        "status.failed": "Не прошла",
        "recent.preimage": "Прообраз (preimage)",
        "recent.note.sending": "Наш Lightning-узел оплачивает этот счёт; сумма заблокирована, пока исход не известен.",
        "recent.note.failed": "Сеть Lightning не смогла оплатить счёт: сумма и комиссия вернулись на ваш баланс.",
        "withdraw.requested.lightning_node": (
            "Lightning-выплата создана. Наш Lightning-узел уже оплачивает её; сумма заблокирована до оплаты."
        ),
        "error.lightning_payment_unknown": "У Lightning-узла нет записи об этом платеже.",
        "operator.node_payouts": (
            "Lightning-выплаты, которые узел оплачивает сейчас (если не зависли, делать ничего не нужно):"
        ),
        # --- issue 13: deal purposes ---
        "deal.purpose.plain": "Сделка",
        "deal.purpose.part": "Часть счёта",
        "deal.purpose.buy": "Покупка с доставкой",
        "deal.purpose.promise_sale": "Продажа обещания",
        "deal.purpose.fiat_payout": "Выплата продавцу в фиате",
        "deal.purpose.open": "Открыть платёж",
        "deal.owed.plain": "Выпуск: {amount} {asset} на баланс покупателя. Возврат: обратно продавцу.",
        "deal.owed.part": (
            "Выпуск: {amount} {asset} оплачивают часть {position} счёта {number} — продавцу счёта, не покупателю. "
            "Возврат: обратно продавцу; часть остаётся к оплате."
        ),
        "notify.deal_opened_for": "Новая сделка №{deal_id} по вашему объявлению: {amount} {asset} · {purpose}",
        # --- issue 13: psale ---
        "promise.status.in_deal": "В сделке",
        "error.promise_in_deal": "Этот ваучер продаётся в сделке: им нельзя воспользоваться, пока сделка идёт.",
        "error.promise_ad_mismatch": "Это объявление не покупает актив ваучера.",
        "error.promise_too_small": "Ваучера не хватает на эту выплату и её комиссию.",
        "deal.owed.promise_sale": (
            "Выпуск: ваучер {hint}… даёт {amount} {asset} на баланс покупателя. "
            "Возврат: ваучер снова активен у продавца, с тем же кодом."
        ),
        "deal.sys.promise_back": "Сделка №{deal_id}: ваучер снова активен у продавца, с тем же кодом.",
        "deal.sys.promise_split": (
            "Сделка №{deal_id}: оператор разделил ваучер: {buyer_share} {asset} покупателю, "
            "{seller_share} {asset} на баланс продавца. Ваучер израсходован."
        ),
        "psale.link": "Продать или вывести ваучер",
        "psale.title": "Продать или вывести ваучер",
        "psale.subtitle": "Продайте ваучер трейдеру за фиат, выведите в Bitcoin или Lightning или зачислите на баланс.",
        "psale.loading": "Открываем…",
        "psale.code": "Код или ссылка ваучера",
        "psale.code_hint": "Вставьте код или ссылку /p/, которую вы получили. Она остаётся только на этой странице.",
        "psale.check": "Продолжить",
        "psale.change": "Другой ваучер",
        "psale.unusable": "Этот ваучер сейчас нельзя продать или вывести.",
        "psale.to": "Что с ним сделать",
        "psale.to.fiat": "Продать за фиат",
        "psale.to.bitcoin": "В Bitcoin",
        "psale.to.lightning": "В Lightning",
        "psale.to.balance": "Зачислить на баланс",
        "psale.fiat.explain": (
            "Трейдер платит вам фиатом за весь ваучер. Ваучер заблокирован в сделке, пока вы не подтвердите, "
            "что деньги пришли; отмена или истечение сделки возвращают его без изменений, с тем же кодом."
        ),
        "psale.empty": "Сейчас никто не покупает такую сумму за эту валюту и этим способом.",
        "psale.linked": "По вашей ссылке",
        "psale.you_get": "Вы получите",
        "psale.sell": "Продать",
        "psale.address": "Bitcoin-адрес",
        "psale.address_hint": "Уходит весь ваучер за вычетом комиссии за выплату.",
        "psale.invoice": "Lightning-счёт",
        "psale.invoice_hint": "Счёт с суммой; ваучер оплачивает его и комиссию, остаток — на ваш баланс.",
        "psale.quote": "Показать курс",
        "psale.send": "Списывается с ваучера",
        "psale.fee": "Комиссия",
        "psale.arrives": "Придёт",
        "psale.rate": "Курс",
        "psale.rest": "Останется на балансе",
        "psale.back": "Назад",
        "psale.confirm": "Вывести",
        "psale.done": "Выплата в очереди: ваучер израсходован, выплата в пути. Она видна в кошельке.",
        "psale.deal.title": "Эта сделка продаёт ваучер",
        "psale.deal.buyer": "После выпуска стоимость ваучера придёт на ваш баланс.",
        "psale.deal.seller": (
            "Ваш ваучер — залог сделки: он заблокирован до её конца. Отмена или истечение возвращают его без "
            "изменений, с тем же кодом; при выпуске его стоимость уходит покупателю."
        ),
        "psale.deal.operator": (
            "Выпуск: стоимость ваучера покупателю. Возврат: ваучер снова активен у продавца. "
            "Раздел: доля покупателя ему, остаток на баланс продавца; ваучер израсходован."
        ),
    }
)

# --- issue 13: start ---
CATALOG.update(
    {
        "nav.start": "Старт",
        "landing.start": "Что вы хотите сделать?",
        "start.title": "Что вы хотите сделать?",
        "start.subtitle": "Три вопроса — и Krypton откроет нужный сценарий с уже заполненными ответами.",
        "start.q.what": "Что вы хотите сделать?",
        "start.q.pay_with": "Чем вы платите?",
        "start.q.result": "Куда отправить результат?",
        "start.what.buy": "Купить криптовалюту",
        "start.what.buy.hint": "TON или USDT у трейдера или со своего баланса",
        "start.what.pay": "Оплатить счёт",
        "start.what.pay.hint": "Номер счёта магазина или человека",
        "start.what.sell": "Продать или вывести обещание",
        "start.what.sell.hint": "Фиат от трейдера или выплата в Bitcoin или Lightning",
        "start.what.redeem": "Зачислить обещание на баланс",
        "start.what.redeem.hint": "Его сумма станет вашей",
        "start.pay_with.fiat": "Фиат",
        "start.pay_with.fiat.hint": "Перевод, карта или СБП трейдеру",
        "start.pay_with.balance": "Криптовалюта с баланса",
        "start.pay_with.balance.hint": "То, что у вас есть в Krypton",
        "start.pay_with.lightning": "Lightning",
        "start.pay_with.lightning.hint": "Сатоши из любого Lightning-кошелька",
        "start.pay_with.promise": "Обещание",
        "start.pay_with.promise.hint": "Его код или ссылка",
        "start.result.balance": "Мой баланс",
        "start.result.balance.hint": "Зачисление в кошелёк Krypton",
        "start.result.bitcoin": "Bitcoin-адрес",
        "start.result.bitcoin.hint": "Выплата на адрес в блокчейне",
        "start.result.lightning": "Lightning-инвойс",
        "start.result.lightning.hint": "Выплата в ваш Lightning-кошелёк",
        "start.result.promise": "Обещание",
        "start.result.promise.hint": "Код, который можно передать или сохранить",
        "start.result.fiat": "Фиат",
        "start.result.fiat.hint": "Трейдер переводит вам деньги",
        "start.result.merchant_note": (
            "Платёж получает продавец, выставивший счёт: выбирать здесь нечего. Продолжите и введите номер счёта."
        ),
        "start.not_offered": "Здесь недоступно:",
        "start.go": "Продолжить",
        "start.code": "Код обещания или ссылка",
        "start.code_placeholder": "kOq1raEkSaq1… или https://…/p/…",
        "start.code_invalid": "Это не код обещания: вставьте код или ссылку на него.",
        "start.no.buy_to_fiat": "Покупка даёт криптовалюту; чтобы получить фиат, продайте обещание.",
        "start.no.already_on_balance": "Криптовалюта уже на вашем балансе.",
        "start.no.lightning_pays_invoices": "Lightning здесь оплачивает счета, а не покупает криптовалюту.",
        "start.no.promise_is_crypto": "Обещание уже и есть криптовалюта: выведите его или зачислите на баланс.",
        "start.no.needs_promise": "Это начинается с обещания: вы платите его кодом.",
        "start.no.promise_to_promise": "Обещание остаётся обещанием: просто передайте его код.",
        "start.no.redeem_to_balance": (
            "Здесь обещание зачисляется на баланс; для Bitcoin, Lightning или фиата выберите «Продать или вывести»."
        ),
        "ad.links.title": "Поделиться объявлением",
        "ad.links.intro": (
            "Отправьте эти ссылки или разместите объявление на сайте: виджет откроет сделку в новой вкладке."
        ),
        "ad.links.helper": "Ссылка с помощником (пошаговый мастер)",
        "ad.links.direct": "Ссылка без помощника (эта страница)",
        "ad.links.telegram": "Ссылка для Telegram",
        "ad.links.telegram_app": "Ссылка на мини-приложение Telegram",
        "ad.links.embed": "Виджет для вашего сайта",
        "ad.links.origins": "Сайты, которым можно встраивать виджет (те, что вы разрешили в своих счетах)",
        "ad.links.no_origins": "пока нет: добавьте свой сайт в разрешённые сайты счёта",
        "adwidget.buy": "Купить",
        "adwidget.sell": "Продать",
    }
)

# --- issue 13: buy ---
CATALOG.update(
    {
        "deal.owed.buy": "Выпуск: {amount} {asset} туда, куда указал покупатель. Возврат: продавцу.",
        "deal.owed.buy.balance": "Выпуск: {amount} {asset} на баланс покупателя. Возврат: продавцу.",
        "deal.owed.buy.bitcoin": (
            "Выпуск: {amount} {asset} покупателю, выплата {payout} {asset} на биткоин-адрес {target}. "
            "Возврат: продавцу."
        ),
        "deal.owed.buy.lightning": (
            "Выпуск: {amount} {asset} покупателю, оплата Lightning-счёта {target}. Возврат: продавцу."
        ),
        "deal.owed.buy.promise": (
            "Выпуск: {amount} {asset} покупателю промисом (код покажем покупателю один раз). Возврат: продавцу."
        ),
        "deal.sys.buy_delivered.balance": "{amount} {asset} на балансе покупателя.",
        "deal.sys.buy_delivered.bitcoin": "{amount} {asset} зачислены; биткоин-выплата в очереди выплат.",
        "deal.sys.buy_delivered.lightning": "{amount} {asset} зачислены; Lightning-выплата в очереди выплат.",
        "deal.sys.buy_delivered.promise": "{amount} {asset} стали промисом; покупатель видит код на этой странице.",
        "deal.sys.buy_to_balance.split": "Оператор разделил сделку: доля покупателя на его балансе.",
        "deal.sys.buy_to_balance.lightning_invoice_expired": (
            "Lightning-счёт истёк до выпуска: {amount} {asset} остаются на балансе покупателя."
        ),
        "deal.sys.buy_to_balance.lightning_invoice_already_used": (
            "Lightning-счёт уже оплачен: {amount} {asset} остаются на балансе покупателя."
        ),
        "deal.sys.buy_to_balance.buy_amount_short": (
            "Курс изменился: {amount} {asset} больше не покрывают выплату и остаются на балансе покупателя."
        ),
        "deal.sys.buy_to_balance.payout_too_small": (
            "По текущему курсу биткоин-выплата слишком мала: {amount} {asset} остаются на балансе покупателя."
        ),
        "deal.sys.buy_to_balance.unserved": (
            "Получателя сейчас не обслужить: {amount} {asset} остаются на балансе покупателя."
        ),
        "promise.origin.bought": "Куплен",
        "error.ad_not_for_buy": "Это объявление не продаёт крипту.",
        "error.buy_destination_invalid": "Выберите, куда отправить крипту.",
        "error.buy_amount_short": "Купленной суммы по текущему курсу уже не хватает на выплату.",
        "buy.intro": (
            "Заплатите трейдеру в своей валюте и получите крипту куда нужно: на баланс, на Bitcoin или "
            "Lightning, или промисом."
        ),
        "buy.step.market": "Что и как платите",
        "buy.step.amount": "Сколько",
        "buy.step.destination": "Куда отправить крипту",
        "buy.step.offers": "Трейдеры",
        "buy.asset": "Крипта",
        "buy.country": "Страна",
        "buy.currency": "Валюта",
        "buy.method": "Способ оплаты",
        "buy.choose": "Выберите…",
        "buy.amount_in": "Сумма в",
        "buy.amount": "Сумма",
        "buy.converted_reference": "≈ {value} по справочному курсу {rate}",
        "buy.no_rate": "Для этой пары нет справочного курса: введите сумму в крипте.",
        "buy.to.balance": "Мой баланс",
        "buy.to.bitcoin": "Биткоин-адрес",
        "buy.to.lightning": "Lightning-счёт",
        "buy.to.promise": "Промис",
        "buy.to_hint.balance": "Крипта придёт на ваш баланс в Krypton.",
        "buy.to_hint.bitcoin": "Отправим на ваш биткоин-адрес за вычетом комиссии выплаты.",
        "buy.to_hint.lightning": "Оплатит ваш Lightning-счёт: сумма следует из счёта.",
        "buy.to_hint.promise": "Код, который может погасить любой; покажем вам один раз после выпуска.",
        "buy.address": "Биткоин-адрес",
        "buy.invoice": "Lightning-счёт (BOLT11)",
        "buy.find": "Показать предложения",
        "buy.summary.buy": "Вы покупаете {amount} {asset}",
        "buy.summary.bitcoin": "На Bitcoin: {payout} {asset} ≈ {btc} BTC (комиссия выплаты {fee} {asset})",
        "buy.summary.lightning": "Счёт на {sat} сат: {payout} {asset} + комиссия выплаты {fee} {asset}",
        "buy.summary.promise": "Вы получите промис на {amount} {asset}; код покажем один раз на странице сделки.",
        "buy.summary.balance": "{amount} {asset} придут на ваш баланс.",
        "buy.empty": "Сейчас здесь никто не продаёт такую сумму. Попробуйте другой способ или сумму.",
        "buy.price": "Цена",
        "buy.limits": "Лимиты",
        "buy.you_pay": "Вы платите",
        "buy.trades": "Сделок",
        "buy.completion": "Завершено",
        "buy.open_deal": "Купить",
        "buy.login_hint": "Войдите кошельком, чтобы открыть сделку.",
        "buy.from_ad": "Объявление, с которого вы пришли",
        "buy.deal.title": "Куда идёт крипта",
        "buy.deal.kind.balance": "На баланс покупателя",
        "buy.deal.kind.bitcoin": "Выплата на биткоин-адрес",
        "buy.deal.kind.lightning": "Выплата на Lightning-счёт",
        "buy.deal.kind.promise": "Промисом",
        "buy.deal.payout_amount": "Выплата",
        "buy.deal.payout_status": "Статус выплаты",
        "buy.deal.promise_status": "Промис",
        "buy.deal.waiting": "Произойдёт само, когда продавец выпустит крипту.",
        "buy.deal.delivered": "Готово.",
        "buy.deal.to_balance": "Доставить не удалось, поэтому крипта на балансе покупателя.",
        "buy.deal.code": "Код вашего промиса",
        "buy.deal.code_once": (
            "Показываем один раз: скопируйте сейчас. Потеряли? Отмените промис в «Мои промисы», деньги вернутся."
        ),
        "buy.deal.open_payouts": "Мои выплаты",
        "buy.deal.open_promises": "Мои промисы",
        # --- issue 13: fiat payout ---
        "error.ad_not_for_payout": (
            "Это объявление не подходит для выплаты по счёту: выберите объявление о покупке в его валюте и способе."
        ),
        "error.fiat_deposit_short": (
            "Депозит продавца сейчас не покрывает ещё один платёж. С вас ничего не списано; попробуйте позже."
        ),
        "error.fiat_payout_crypto_only": "Продавец получает по этому счёту фиат: оплатите его криптовалютой.",
        "error.fiat_payout_live": "По этому платежу уже идёт выплата в фиате.",
        "error.invoice_deposit_short": (
            "Чтобы получать фиат, держите на балансе в этом активе депозит не меньше одного платежа."
        ),
        "error.invoice_payout_fiat_priced": (
            "Счёт с ценой в фиате нельзя выплатить в фиате: укажите цену в криптовалюте."
        ),
        "error.invoice_payout_invalid": "Выберите страну, её валюту и один из её способов оплаты.",
        "history.kind.fiat_deposit_hold": "Депозит выплаты в фиате удержан",
        "history.kind.fiat_deposit_release": "Депозит выплаты в фиате освобождён",
        "payment.status.awaiting_fiat": "Оплачен, ждёт фиата",
        "deal.owed.fiat_payout": (
            "Отпустить: {amount} {asset} из депозита продавца покупателю, который заплатил продавцу фиат по счёту "
            "{number}; платёж по счёту завершается, криптовалюта плательщика идёт продавцу. "
            "Возврат: ничего не движется; платёж ждёт другого посредника."
        ),
        "deal.sys.fiat_payout_done": "Сделка #{deal_id}: посреднику заплачено, платёж по счёту {number} завершён.",
        "deal.sys.fiat_payout_waits": (
            "Сделка #{deal_id} закончилась без выплаты: платёж по счёту {number} ждёт другого посредника."
        ),
        "notify.fiat_payout_waiting": (
            "Платёж {amount} {asset} по счёту {number} оплачен: выберите посредника, чтобы получить фиат."
        ),
        "payout.title": "Выплата мне в фиате",
        "payout.hint": (
            "Плательщики платят криптовалютой; посредник переводит вам фиат и получает их криптовалюту. Держите "
            "на балансе депозит в один платёж в этом активе: каждый платёж удерживает его до выплаты."
        ),
        "payout.enable": "Выплата мне в фиате",
        "payout.country": "Страна",
        "payout.method": "Способ оплаты",
        "payout.settings": "{fiat}, {method} ({country})",
        "payout.deposit": "Депозит",
        "payout.held": "Удержано",
        "payout.needed": "Нужно на один платёж",
        "payout.available": "Доступно",
        "payout.waiting": "Платежи, ждущие выплаты в фиате",
        "payout.none_waiting": "Нет платежей, ждущих выплаты в фиате.",
        "payout.choose": "Выбрать посредника",
        "payout.take_crypto": "Взять криптовалютой",
        "payout.take_crypto_confirm": (
            "Взять этот платёж криптовалютой: он завершится сейчас, криптовалюта плательщика придёт на ваш "
            "баланс, депозит освободится. Фиат за него вам не переведут."
        ),
        "payout.deal": "Сделка №{deal_id}",
        "payout.picker_title": "Посредники для {amount} {asset}",
        "payout.picker_hint": (
            "Объявления о покупке за {fiat}, {method}: трейдер переводит вам {fiat} и получает криптовалюту "
            "плательщика."
        ),
        "payout.no_ads": (
            "Сейчас ни одно объявление о покупке не подходит. Попробуйте позже или возьмите платёж криптовалютой."
        ),
        "payout.you_get": "Вы получите {fiat}",
        "payout.open": "Открыть сделку",
        "payout.lapsed": "Неподтверждённых выплат в фиате: {count}",
        "pay.awaiting_fiat": "Оплачено. Продавцу выплачивают фиат; квитанция появится здесь, когда он подтвердит.",
        # --- issue 14: fee schedule (lead) ---
        "error.fee_operation_invalid": "Такой комиссии нет.",
        "error.fee_percent_invalid": "Процент — число от 0 до 50, не больше 4 знаков после запятой.",
        "error.fee_flat_invalid": "Фиксированная комиссия — сумма в этой валюте, 0 или больше.",
        "error.fee_minimum_invalid": "Минимальная комиссия — сумма в этой валюте, 0 или больше.",
        "error.fee_payer_invalid": "Выберите, кто платит комиссию сделки: автор объявления или откликнувшийся.",
        # --- issue 14: invoice-payment fee and the fee schedule tab ---
        "operator.tab.fees": "Комиссии",
        "fee_schedule.operation.invoice_payment": "Оплата счёта",
        "fee_schedule.operation.deal": "P2P-сделка",
        "fee_schedule.operation.withdrawal": "Вывод",
        "fee_schedule.operation.payout": "Выплата в Bitcoin / Lightning",
        "fee_schedule.payer": "Кто платит",
        "fee_schedule.payer.maker": "автор объявления",
        "fee_schedule.payer.taker": "откликнувшийся",
        "fee_schedule.at_least": "не меньше",
        "fee_schedule.percent": "Процент",
        "fee_schedule.flat": "Фиксированная",
        "fee_schedule.minimum": "Минимум",
        "fee_schedule.save": "Сохранить",
        "fee_schedule.saved": "Комиссия сохранена",
        "fee_schedule.set_by_operator": "Задана оператором",
        "fee_schedule.starting_value": "Начальное значение",
        "fee_schedule.schedule_note": "Сколько стоит каждая операция в каждой валюте. Комиссия за оплату счёта "
        "удерживается из суммы, которую получает продавец; комиссия сделки — доля её криптовалюты; вывод и "
        "выплата стоят фиксированную сумму сверху. Изменение действует со следующей операции и попадает в журнал ниже.",
        "fee_schedule.history": "Изменения",
        "fee_schedule.no_changes": "Операторы ещё не меняли комиссии.",
        "history.about.invoice_fee": "Счёт {number} · {title} · оплачено {gross}, комиссия {fee}",
        "history.about.invoice_part_fee": "Счёт {number} · {title} · часть {position} из {count} · "
        "платёж {gross}, комиссия {fee}",
        "verify.field.fee": "Комиссия продавца",
        "verify.field.net": "Продавец получил",
        "detail.fees": "Комиссии",
        "detail.net": "Вы получили",
        "detail.payment_fee": "Комиссия",
        "detail.payment_net": "вы получили",
        "invoices.fee_none": "Без комиссии: каждый платёж приходит вам целиком.",
        "invoices.fee_rule": "Комиссия Krypton — {rule} с каждого платежа, удерживается из него; "
        "остальное получаете вы.",
        "invoices.fee_receive": "С каждого платежа вы получите {net} за вычетом комиссии {rule} ({fee}).",
        "pay.fee_merchant_pays": "Вы платите ровно эту сумму: комиссию Krypton платит продавец.",
        "price_list.title": "Комиссии",
        "price_list.subtitle": "Сколько стоит каждая операция по действующему тарифу. "
        "Перед подтверждением сумма показывается ещё раз.",
        "price_list.card": "Тарифы",
        "price_list.note.invoice_payment": "Платит продавец: удерживается из каждого платежа",
        "price_list.note.deal": "Доля криптовалюты сделки, платит указанная сторона",
        "price_list.note.withdrawal": "Сверх суммы, отправленной на адрес TON",
        "price_list.note.payout": "Сверх суммы выплаты в Bitcoin или Lightning",
    }
)

# --- issue 14: fee sweeps ---
CATALOG.update(
    {
        "operator.tab.sweeps": "Комиссии и выводы",
        "history.kind.fee_sweep_hold": "Вывод комиссий создан",
        "history.kind.fee_sweep": "Вывод комиссий отправлен",
        "history.kind.fee_sweep_return": "Вывод комиссий вернулся",
        "error.sweep_off": "Вывод комиссий выключен: не задан кошелёк владельца (KRYPTON_FEE_OWNER_WALLET).",
        "error.sweep_nothing": "В этом активе нет комиссий для вывода.",
        "error.sweep_asset": "Комиссии в этом активе не выводятся.",
        "error.sweep_threshold_zero": "Порог должен быть больше нуля.",
        "sweeps.owner": "Кошелёк владельца",
        "sweeps.off": (
            "Вывод комиссий выключен: не задан кошелёк владельца. Укажите TON-адрес владельца в "
            "KRYPTON_FEE_OWNER_WALLET; пока комиссии продолжают накапливаться."
        ),
        "sweeps.tile.balance": "Накоплено комиссий",
        "sweeps.tile.threshold": "Порог",
        "sweeps.tile.collected": "Собрано всего",
        "sweeps.tile.swept": "Выведено всего",
        "sweeps.tile.in_flight": "В пути",
        "sweeps.hint": (
            "Когда накопленные комиссии достигают порога, вся сумма уходит на кошелёк владельца одним "
            "переводом с горячего кошелька."
        ),
        "sweeps.threshold": "Порог",
        "sweeps.save_threshold": "Сохранить порог",
        "sweeps.threshold_saved": "Порог сохранён",
        "sweeps.sweep_now": "Вывести сейчас",
        "sweeps.forced": "Вывод создан: перевод уйдёт через несколько секунд",
        "sweeps.last": "Последний вывод",
        "sweeps.none_yet": "Выводов пока не было.",
        "sweeps.tx_hash": "Хеш транзакции",
        "sweeps.chart": "Собрано и выведено комиссий за 14 дней",
        "sweeps.chart_collected": "Собрано",
        "sweeps.chart_swept": "Выведено",
        "sweeps.recent": "Последние выводы",
        "sweeps.forced_badge": "оператором",
        "sweeps.status.pending": "Ждёт отправки",
        "sweeps.status.sent": "Отправлен",
        "sweeps.status.confirmed": "Подтверждён",
        "sweeps.status.returned": "Вернулся в комиссии",
    }
)

# --- issue 14: operator console (users, reconciliation, audit; blocked users) ---
CATALOG.update(
    {
        "operator.tab.users": "Пользователи",
        "operator.tab.reconciliation": "Сверка",
        "operator.tab.audit": "Журнал",
        "error.user_blocked": "Аккаунт заблокирован оператором. Обратитесь в поддержку.",
        "error.block_reason_invalid": "Укажите причину блокировки (до 500 символов).",
        "deal.sys.disputed_on_block": (
            "Сделка №{deal_id}: оператор заблокировал одну из сторон, поэтому судьбу залога решит оператор. "
            "Если можете, опишите ситуацию."
        ),
        "dispute.opened_by.operator": "Открыт оператором",
        "operator.users.search": "Найти",
        "operator.users.search_placeholder": "Адрес кошелька, №номер, @имя, email или телефон",
        "operator.users.search_hint": (
            "По имени находятся все имена, которые с него начинаются; email и телефон — только целиком."
        ),
        "operator.users.not_found": "Никого не нашлось.",
        "operator.users.blocked_badge": "Заблокирован",
        "operator.users.active_badge": "Активен",
        "operator.users.operator_badge": "Оператор",
        "operator.users.joined": "С нами с",
        "operator.users.blocked_since": "Заблокирован",
        "operator.users.reason_placeholder": "Причина блокировки",
        "operator.users.block": "Заблокировать",
        "operator.users.unblock": "Разблокировать",
        "operator.users.revoke": "Выйти на всех устройствах",
        "operator.users.blocked": (
            "Пользователь заблокирован: сессии закрыты, деньги заморожены, открытые сделки переданы в споры."
        ),
        "operator.users.unblocked": "Пользователь разблокирован: он снова может входить и распоряжаться деньгами.",
        "operator.users.revoked": "Все сессии пользователя закрыты.",
        "operator.users.balances": "Балансы",
        "operator.users.available": "доступно",
        "operator.users.held": "заморожено",
        "operator.users.deals": "Последние сделки",
        "operator.users.invoices": "Последние счета",
        "operator.users.sessions": "Открытые сессии",
        "operator.users.none": "Пока нет.",
        "operator.users.no_sessions": "Открытых сессий нет.",
        "operator.users.session_opened": "Открыта",
        "operator.users.session_seen": "последняя активность",
        "operator.recon.chain": "В сети (горячий кошелёк)",
        "operator.recon.liabilities": "Обязательства по учёту",
        "operator.recon.explained": "Объяснённые расхождения",
        "operator.recon.remainder": "Необъяснённый остаток",
        "operator.recon.status.equal": "Сходится",
        "operator.recon.status.short": "В сети не хватает",
        "operator.recon.status.over": "В сети излишек",
        "operator.recon.owed.available": "Доступные балансы пользователей",
        "operator.recon.owed.held": "Замороженные балансы пользователей",
        "operator.recon.owed.promise_backing": "Обеспечение обещаний",
        "operator.recon.owed.fees": "Комиссии, ещё не выведенные",
        "operator.recon.owed.hot_wallet": "Счёт горячего кошелька",
        "operator.recon.item.withdrawals_in_flight": "Выводы отправлены, но ещё не подтверждены",
        "operator.recon.item.deposits_in_review": "Пополнения на проверке",
        "operator.recon.item.arrived_unapplied": "Пришло, но ещё не зачислено (неподтверждённые пополнения)",
        "operator.recon.item.lightning": "Ликвидность Lightning (на узле)",
        "operator.recon.item.paid_outside": "Выплаты, сделанные вне сети TON",
        "operator.recon.item.sweeps_in_flight": "Выводы комиссий отправлены, но ещё не подтверждены",
        "operator.recon.chain_error": "Узел TON не ответил. Попробуйте ещё раз чуть позже.",
        "operator.recon.hint": (
            "Необъяснённый остаток = в сети − обязательства − объяснённое. Сюда же попадают сетевые комиссии, "
            "уплаченные горячим кошельком, и TON, приходящие с уведомлениями о жетонах."
        ),
        "operator.audit.payout_paid": "Выплата проведена",
        "operator.audit.payout_rejected": "Выплата отклонена",
        "operator.audit.deposit_credited": "Пополнение зачислено",
        "operator.audit.deposit_returned": "Пополнение возвращено",
        "operator.audit.deposit_dismissed": "Пополнение закрыто",
        "operator.audit.dispute_resolved": "Спор решён",
        "operator.audit.fee_changed": "Комиссия изменена",
        "operator.audit.sweep_threshold_changed": "Порог вывода комиссий изменён",
        "operator.audit.sweep_forced": "Вывод комиссий запущен вручную",
        "operator.audit.user_blocked": "Пользователь заблокирован",
        "operator.audit.user_unblocked": "Пользователь разблокирован",
        "operator.audit.sessions_revoked": "Сессии закрыты",
        "operator.audit.empty": "Операторы пока ничего не делали.",
        "operator.audit.older": "Раньше",
    }
)

# --- issue 14: Telegram Mini App login ---
CATALOG.update(
    {
        "error.telegram_link_refused": "Не удалось привязать Telegram.",
        "error.telegram_bad_hash": (
            "Данные запуска от Telegram не прошли проверку. Закройте приложение и откройте его снова из Telegram."
        ),
        "error.telegram_bad_signature": "Подпись Telegram не прошла проверку. Откройте приложение снова из Telegram.",
        "error.telegram_expired": (
            "Этот запуск из Telegram устарел. Закройте приложение и откройте его снова из Telegram."
        ),
        "error.telegram_malformed": (
            "Не удалось прочитать данные запуска от Telegram. Откройте приложение снова из Telegram."
        ),
        "error.telegram_login_off": "Вход через Telegram на этом сервере выключен: оператор не подключил бота.",
        "error.telegram_no_user": "Telegram не сообщил, кто вы. Откройте Krypton из чата с ботом.",
        "error.telegram_linked_elsewhere": (
            "Этот аккаунт Telegram уже принадлежит другому пользователю Krypton с кошельком или историей. "
            "Войдите в него через Telegram или сначала отвяжите аккаунт там."
        ),
        "error.telegram_already_linked": "К вашему профилю привязан другой аккаунт Telegram. Сначала отвяжите его.",
        "error.telegram_not_linked": "К вашему профилю не привязан аккаунт Telegram.",
        "error.telegram_unlink_needs_wallet": (
            "Telegram — ваш единственный способ входа: подключите кошелёк, прежде чем отвязывать его."
        ),
        "error.telegram_contact_not_yours": "Поделитесь номером своего аккаунта Telegram — того, что привязан здесь.",
        "tg.login_busy": "Входим через Telegram…",
        "tg.login_off": (
            "Вход через Telegram на этом сервере выключен (не задан токен бота). Войдите с TON-кошельком."
        ),
        "tg.login_failed": "Не удалось войти через Telegram",
        "profile.telegram.title": "Telegram",
        "profile.telegram.linked": "Привязан",
        "profile.telegram.linked_hint": "Входите с кошельком или открывая Krypton в Telegram.",
        "profile.telegram.not_linked": "Не привязан",
        "profile.telegram.link_hint": (
            "Откройте Krypton из нашего бота в Telegram, войдите с кошельком и привяжите аккаунт здесь: "
            "после этого можно входить любым из двух способов."
        ),
        "profile.telegram.link": "Привязать Telegram",
        "profile.telegram.unlink": "Отвязать",
        "profile.telegram.linked_done": "Telegram привязан. Теперь можно входить любым из двух способов.",
        "profile.telegram.unlinked_done": "Telegram отвязан.",
        "profile.telegram.off": "Вход через Telegram на этом сервере выключен.",
        "profile.telegram.share_phone": "Поделиться номером из Telegram",
        "profile.telegram.phone_done": "Телефон подтверждён через Telegram.",
        "profile.telegram.phone_cancelled": "Вы не поделились номером.",
        "profile.phone_verified": "Подтверждён через Telegram",
        "profile.no_wallet": "Кошелёк не подключён: вы входите через Telegram.",
        # --- issue 14: deal, withdrawal and payout fees ---
        "error.fee_changed": "Комиссия изменилась после расчёта. Проверьте новую комиссию и подтвердите снова.",
        "deal.owed.fee.seller": "Комиссия: {fee} {asset}, её платит продавец при выпуске (при возврате — нет).",
        "deal.owed.fee.buyer": (
            "Комиссия: {fee} {asset}, её платит покупатель из {amount} {asset} (при возврате — нет)."
        ),
        "deal.field.fee": "Комиссия платформы",
        "deal.fee_by.you": "платите вы",
        "deal.fee_by.seller": "платит продавец",
        "deal.fee_by.buyer": "платит покупатель, удерживается при выпуске",
        "fee.deal.none": "Комиссии платформы за эту сделку нет.",
        "fee.deal.minimum": ", но не меньше {minimum}",
        "fee.deal.by_trader": "Комиссия платформы: {percent} % от суммы{minimum}, её платит трейдер.",
        "fee.deal.by_you_buying": (
            "Комиссия платформы: {percent} % от суммы{minimum}, удерживается из {asset}, которые вы получите."
        ),
        "fee.deal.by_you_selling": (
            "Комиссия платформы: {percent} % от суммы{minimum}, добавляется к {asset}, которые вы блокируете в сделке."
        ),
        "fee.deal.preview.trader": "Комиссия с этой суммы: {fee}, её платит трейдер.",
        "fee.deal.preview.you_receive": "Комиссия с этой суммы: {fee}; вы получите {net}.",
        "fee.deal.preview.you_escrow": "Комиссия с этой суммы: {fee}; в сделке будет заблокировано {total}.",
        "buy.summary.deal_fee": ("Комиссию платформы за сделку ({fee} {asset}) платит трейдер: вы получите всю сумму."),
        "fee.psale.by_you": "Комиссия платформы за продажу: {fee}, блокируется на вашем балансе при открытии сделки "
        "(вернётся, если сделку отменят).",
        "fee.psale.by_trader": "Комиссия платформы за продажу: {fee}, её платит трейдер из того, что получит.",
        "fee.payout.by_you": (
            "Комиссия платформы за сделку выплаты: {fee}, блокируется на вашем балансе при открытии сделки "
            "(вернётся, если выплата не состоится)."
        ),
        "fee.payout.by_trader": (
            "Комиссия платформы за сделку выплаты: {fee}, её платит посредник из того, что получит."
        ),
        "dispute.fee": "Комиссия платформы",
        # Heleket compatibility API (issue 15)
        "error.heleket_invalid": "Некоторые поля запроса заполнены неверно.",
        "error.heleket_refused": "Запрос не может быть выполнен.",
    }
)

# Issue 15: the compatibility APIs' credentials (components/compat_keys.py)
CATALOG.update(
    {
        "dev.tab.compat": "Crypto Pay / Heleket",
        "compat.intro": (
            "Уже подключены к Crypto Pay в Telegram или к Heleket? Оставьте свой код и SDK: замените "
            "базовый адрес на адрес Krypton и используйте выданные здесь ключи. Счета, вебхуки и их "
            "подписи сохраняют свой вид."
        ),
        "compat.base_url": "Базовый адрес",
        "compat.app_name": "Название, например «бот магазина»",
        "compat.testnet": "Тестовое приложение (тестовые счета)",
        "compat.sandbox": "Песочница (тестовые счета)",
        "compat.save": "Сохранить",
        "compat.saved": "Сохранено.",
        "compat.issued_title": "Ваши новые ключи",
        "compat.cp.title": "Crypto Pay API",
        "compat.cp.hint": (
            "Для aiocryptopay, aiosend и других SDK Crypto Pay: токен передаётся в Crypto-Pay-API-"
            "Token; оплаченные счета приходят на вебхук приложения с подписью Crypto Pay."
        ),
        "compat.cp.webhook": "Адрес вебхука для оплаченных счетов (https://…)",
        "compat.cp.transfers": "Разрешить transfer (переводы с вашего баланса пользователям Telegram)",
        "compat.cp.create": "Создать приложение Crypto Pay",
        "compat.cp.token": "API-токен",
        "compat.hk.title": "Heleket API",
        "compat.hk.hint": (
            "Для heleket-sdk и других клиентов Heleket: UUID мерчанта передаётся в заголовке merchant; "
            "запросы подписываются платёжным ключом, выплаты — ключом выплат."
        ),
        "compat.hk.create": "Создать мерчанта Heleket",
        "compat.hk.merchant": "UUID мерчанта",
        "compat.hk.payment_key": "Платёжный API-ключ",
        "compat.hk.payout_key": "API-ключ выплат",
    }
)

# The Crypto Pay compatibility API (api/cryptopay.py answers with Crypto Pay's own error names).
CATALOG.update(
    {
        "history.kind.cryptopay_transfer": "Перевод Crypto Pay",
        "error.cryptopay_refused": "Crypto Pay API отклонил этот запрос.",
    }
)
