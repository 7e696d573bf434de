"""Security: registration's one answer for details that match no one, the throttles' messages,
attachments refused by the PDF check, the demo banner."""

AR: dict[str, str] = {
    "errors.registry_no_match": "رقم الهوية ورقم الجوال لا يطابقان بيانات السجل المدني للفئة المختارة. تحقّق منهما. استخدام هوية شخص آخر مخالفة يعاقب عليها النظام.",
    "errors.registration_too_many": "محاولات تسجيل غير مطابقة كثيرة من اتصالك. حاول مرة أخرى بعد {seconds}.",
    "errors.payment_unavailable": "الدفع من هذه الصفحة غير متاح. ادفع الفاتورة عبر بنكك برقم سداد.",
    "errors.attachment_encrypted": "ملف PDF محمي بكلمة مرور أو مشفّر، فلا يمكننا فحصه. احفظه من جديد من دون حماية ثم أرفقه.",
    "demo.banner.label": "نسخة تجريبية",
    "demo.banner.tag": "نسخة تجريبية:",
    "demo.banner.text": "جميع الأشخاص والبيانات خيالية، وصندوق الرسائل النصية والبنك والأكشاك صفحات تجريبية. لا تُدخل بيانات حقيقية.",
}

EN: dict[str, str] = {
    "errors.registry_no_match": "The ID number and mobile do not match the civil registry for the chosen category. Check both. Using another person's identity is a punishable offence.",
    "errors.registration_too_many": "Too many registration attempts that did not match, from your connection. Try again in {seconds}.",
    "errors.payment_unavailable": "Paying from this page is not available. Pay the bill at your bank with its SADAD number.",
    "errors.attachment_encrypted": "The PDF is password-protected or encrypted, so we cannot check it. Save it again without protection and attach it.",
    "demo.banner.label": "Demo",
    "demo.banner.tag": "Demo:",
    "demo.banner.text": "Every person and record here is fictional; the SMS outbox, the bank and the kiosk are demo pages. Do not enter real details.",
}
