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
        "Одно приложение для тех, кому платят в криптовалюте, и для "
        "продавцов, которым может заплатить кто угодно."
    ),
    "feature.wallet.title": "Кошелёк",
    "feature.wallet.body": (
        "Храните TON и USDT на TON. Сразу видно, что доступно, а что заморожено под сделки."
    ),
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
        "Каждая оплата публичного счёта заканчивается подписанным "
        "чеком, который любой может проверить на сайте."
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
    "login.tonconnect_pending": "TON Connect настраивается и скоро появится здесь.",
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
    "wallet.coming_soon_title": "Пополнение и вывод",
    "wallet.coming_soon": (
        "Пополнение и вывод появятся в следующем выпуске. До тех пор баланс остаётся нулевым."
    ),
    "wallet.deposit": "Пополнить",
    "wallet.withdraw": "Вывести",
    "wallet.loading": "Загружаем балансы…",
    # Profile
    "profile.title": "Профиль",
    "profile.subtitle": "Как вас находят другие люди и на каком языке с вами говорит Krypton.",
    "profile.wallet_address": "Адрес кошелька",
    "profile.display_name": "Имя",
    "profile.display_name_hint": "Его видят те, с кем вы торгуете.",
    "profile.username": "Имя пользователя",
    "profile.username_hint": (
        "Латинские буквы, цифры и подчёркивания. По нему вам можно выставить личный счёт."
    ),
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
}
