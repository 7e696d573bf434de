"""Operations: the staff console's charts and the background jobs' last runs, and the
payment notification's refusal that a person may see on the demo bank page."""

AR = {
    "errors.payment_not_recorded": "تعذر تسجيل السداد. حاول مرة أخرى بعد قليل.",
    "errors.reference_conflict": "الرقم المرجعي للبنك مستخدم لسداد آخر.",
    "errors.notification_malformed": "إشعار السداد غير مكتمل.",
}

EN = {
    "errors.payment_not_recorded": "The payment could not be recorded. Try again in a moment.",
    "errors.reference_conflict": "The bank's reference is already used for another payment.",
    "errors.notification_malformed": "The payment notification is incomplete.",
}
