"""The delegate's side of a delegation: what they may do for a delegator today (on the
dashboard and under "Delegations to me"), the requests and drafts they made on someone's
behalf; and the dashboard's vehicles and messages tiles."""

AR = {
    "delegate.acting_title": "تفويضات سارية لك اليوم",
    "delegate.acting_lead": "يمكنك إنجاز الخدمات التالية نيابةً عن من فوّضك، خلال مدة التفويض.",
    "delegate.acting_none": "لا يوجد تفويض لك ساري المفعول اليوم.",
    "delegate.from_name": "تفويض من {name}",
    "delegate.start_for": "ابدأ «{service}» نيابةً عن {name}",
    "delegate.continue_for": "أكمل مسودة «{service}» نيابةً عن {name}",
    "delegate.open_delegation": "تفاصيل التفويض",
    "transactions.on_behalf": "نيابةً عن {name}",
    "transactions.on_behalf_refused": "قدّمتَ هذه المعاملة نيابةً عن {name}، ولم تعد تظهر لك. "
                                      "{reason}",
    "transactions.made_on_behalf": "قدّمتَها بصفتك مفوَّضاً",
    "delegation.all_to_me": "كل التفويضات الموجهة إليك",
    "tiles.messages_open": "رسائل مفتوحة: {count}",
    "tiles.vehicles": "مركباتي",
    "tiles.vehicles_count": "مركبات مسجلة باسمك: {count}",
    "tiles.transfers_awaiting": "نقل ملكية بانتظار تأكيدك: {count}",
}

EN = {
    "delegate.acting_title": "Delegations to me in force today",
    "delegate.acting_lead": "You can do these services on behalf of the person who delegated "
                            "you, within the delegation's period.",
    "delegate.acting_none": "No delegation to you is in force today.",
    "delegate.from_name": "Delegation from {name}",
    "delegate.start_for": "Start “{service}” for {name}",
    "delegate.continue_for": "Continue the draft of “{service}” for {name}",
    "delegate.open_delegation": "The delegation's details",
    "transactions.on_behalf": "On behalf of {name}",
    "transactions.on_behalf_refused": "You made this request on behalf of {name}; it is no "
                                      "longer shown to you. {reason}",
    "transactions.made_on_behalf": "Made by you as a delegate",
    "delegation.all_to_me": "All delegations to me",
    "tiles.messages_open": "Open messages: {count}",
    "tiles.vehicles": "My vehicles",
    "tiles.vehicles_count": "Vehicles registered to you: {count}",
    "tiles.transfers_awaiting": "Transfers awaiting your confirmation: {count}",
}
