"""Electronic delegation for individuals (the wizard, both parties' lists, the activity feed,
the certificate, the public check) and the traffic sector's vehicle ownership transfer."""

_STATUS_AR = {"pending": "بانتظار قبول المفوَّض له", "active": "ساري", "rejected": "مرفوض",
              "withdrawn": "مسحوب", "revoked": "ملغى", "suspended": "موقوف (بلاغ: لم أكن أنا)",
              "expired": "منتهٍ"}
_STATUS_EN = {"pending": "Awaiting the delegate", "active": "Active", "rejected": "Rejected",
              "withdrawn": "Withdrawn", "revoked": "Revoked",
              "suspended": "Suspended (\u201cthis wasn't me\u201d)", "expired": "Expired"}
_EVENT_AR = {"created": "أُنشئ التفويض", "accepted": "قبِل المفوَّض له التفويض",
             "rejected": "رفض المفوَّض له التفويض", "withdrawn": "سحب المفوِّض الطلب",
             "revoked": "ألغى المفوِّض التفويض",
             "suspended": "أُوقف التفويض ببلاغ «لم أكن أنا»",
             "expired": "انتهى التفويض بانتهاء مدته", "act_submitted": "قدّم المفوَّض له طلباً",
             "act_paid": "سُدّدت فاتورة طلب قدّمه المفوَّض له"}
_EVENT_EN = {"created": "Delegation made", "accepted": "The delegate accepted",
             "rejected": "The delegate rejected it", "withdrawn": "The delegator withdrew it",
             "revoked": "The delegator revoked it",
             "suspended": "Suspended after \u201cthis wasn't me\u201d",
             "expired": "Expired at its end date", "act_submitted": "The delegate submitted",
             "act_paid": "Bill paid for the delegate's request"}
_NOTICE_AR = {
    "accepted": ("قبِل المفوَّض له التفويض {reference} وأصبح سارياً.",
                 "قبلتَ التفويض {reference} وأصبح سارياً."),
    "rejected": ("رفض المفوَّض له التفويض {reference}.", "رفضتَ التفويض {reference}."),
    "withdrawn": ("سحبتَ طلب التفويض {reference}.", "سحب المفوِّض طلب التفويض {reference}."),
    "revoked": ("ألغيتَ التفويض {reference}.",
                "ألغى المفوِّض التفويض {reference}؛ لم يعد بإمكانك التصرف بموجبه."),
    "suspended": ("أُوقف التفويض {reference} فوراً بناءً على بلاغك «لم أكن أنا».",
                  "أُوقف التفويض {reference} بعد بلاغ من المفوِّض؛ لم يعد بإمكانك التصرف "
                  "بموجبه."),
    "expired": ("انتهت مدة التفويض {reference}.", "انتهت مدة التفويض {reference}."),
}
_NOTICE_EN = {
    "accepted": ("The delegate accepted delegation {reference}; it is now active.",
                 "You accepted delegation {reference}; it is now active."),
    "rejected": ("The delegate rejected delegation {reference}.",
                 "You rejected delegation {reference}."),
    "withdrawn": ("You withdrew delegation request {reference}.",
                  "The delegator withdrew delegation request {reference}."),
    "revoked": ("You revoked delegation {reference}.",
                "The delegator revoked delegation {reference}; you can no longer act under it."),
    "suspended": ("Delegation {reference} was suspended at once after your \u201cthis wasn't "
                  "me\u201d report.",
                  "Delegation {reference} was suspended after a report by the delegator; you "
                  "can no longer act under it."),
    "expired": ("Delegation {reference} has expired.", "Delegation {reference} has expired."),
}

AR = {
    # The catalogue entries.
    "service.delegation.title": "عمل تفويض إلكتروني للأفراد",
    "service.delegation.summary": "فوّض مواطناً بالغاً لينجز عنك خدمات محددة خلال مدة تحددها.",
    "service.vehicle_transfer.title": "نقل ملكية مركبة",
    "service.vehicle_transfer.summary": "بيع مركبتك لشخص آخر؛ تنتقل الملكية بعد تأكيد المشتري.",
    "group.traffic": "المرور",
    "group.delegation": "التفويض",
    "outcome.delegation": "رقم التفويض المرجعي",
    "outcome.plate": "لوحة المركبة",
    "fees.vehicle_transfer": "رسم نقل ملكية المركبة",
    "blockers.delegator_category": "نوع حسابك لا يتيح عمل تفويض.",
    "fixes.delegator_category": "التفويض متاح للمواطنين والمقيمين.",
    "blockers.delegator_not_active": "حسابك غير مفعّل.",
    "fixes.delegator_not_active": "فعّل حسابك عبر البنك أو جهاز الخدمة الذاتية أو أحد المكاتب.",
    # The wizard.
    "step.delegation_sector": "مراجعة القطاع",
    "field.sector": "القطاع الذي يراجعه المفوَّض له",
    "option.sector_passports": "المديرية العامة للجوازات",
    "option.sector_traffic": "الإدارة العامة للمرور (نقل ملكية مركبة)",
    "step.delegated_services": "الخدمات المفوَّضة",
    "field.delegated_services": "اختر خدمة واحدة أو أكثر",
    "hint.delegated_services": "لن يتمكن المفوَّض له إلا من هذه الخدمات، لك ولمن تكفلهم.",
    "step.delegate": "بيانات المفوَّض له",
    "field.delegate_id": "رقم هوية المفوَّض له",
    "hint.delegate_id": "مواطن بالغ لديه حساب مفعّل في أبشر.",
    "field.delegate_mobile": "رقم جوال المفوَّض له",
    "hint.delegate_mobile": "الرقم المسجل في حسابه، مثل 0551234567؛ يصله عليه الرقم المرجعي.",
    "step.delegation_period": "مدة التفويض",
    "field.starts_on": "تاريخ بداية التفويض",
    "field.ends_on": "تاريخ نهاية التفويض",
    "hint.delegation_period": "سنة واحدة على الأكثر، ويشمل التفويض يومي البداية والنهاية.",
    "step.delegation_terms": "الشروط والأحكام",
    "field.delegation_terms": "أقر بأن المفوَّض له سينجز هذه الخدمات باسمي، وأتحمل مسؤولية "
                              "ما يقدمه خلال مدة التفويض، ويمكنني إلغاؤه في أي وقت.",
    "hint.delegation_terms": "ترى كل ما يقوم به المفوَّض له في سجل نشاط التفويض.",
    "wizard.code_title": "رمز التحقق",
    "wizard.code_sent": "أرسلنا رمز تحقق إلى جوالك {mobile}. أدخله لتأكيد الطلب.",
    "wizard.code_label": "رمز التحقق المرسل إلى جوالك",
    "wizard.code_submit": "تأكيد وإرسال",
    "wizard.code_resend": "أرسل رمزاً جديداً",
    "wizard.next_delegation": "أرسلنا إلى المفوَّض له رسالة فيها الرقم المرجعي، ويصبح التفويض "
                              "سارياً بعد قبوله من حسابه. تابع حالته في صفحة التفويضات.",
    "sms.code.confirm": "رمز تأكيد طلبك في أبشر الجوازات: {code}. لا تشاركه مع أحد.",
    "step.vehicle": "المركبة",
    "field.plate": "رقم لوحة المركبة",
    "hint.plate": "ثلاثة أحرف ثم الأرقام، مثل ABD1234. مركباتك في صفحة مركباتي.",
    "step.buyer": "المشتري والسعر",
    "field.buyer_id": "رقم هوية المشتري",
    "field.price": "سعر البيع بالريال",
    "step.transfer_confirm": "تأكيد البائع",
    "field.seller_confirms": "أؤكد بيع هذه المركبة للمشتري بهذا السعر.",
    # Errors.
    "errors.choose_at_least_one": "اختر خياراً واحداً على الأقل.",
    "errors.delegator_category": "نوع حسابك لا يتيح عمل تفويض؛ التفويض للمواطنين والمقيمين.",
    "errors.delegator_not_active": "حسابك غير مفعّل؛ فعّله أولاً لتتمكن من التفويض.",
    "errors.services_required": "اختر خدمة واحدة على الأقل.",
    "errors.service_not_delegable": "هذه الخدمة لا يمكن التفويض بها في هذا القطاع.",
    "errors.delegate_self": "لا يمكنك تفويض نفسك.",
    "errors.delegate_not_active": "لا يوجد حساب مفعّل في أبشر بهذا الرقم. يجب أن يسجل "
                                  "المفوَّض له ويفعّل حسابه أولاً.",
    "errors.delegate_not_citizen": "يجب أن يكون المفوَّض له مواطناً.",
    "errors.delegate_minor": "يجب ألا يقل عمر المفوَّض له عن {age} سنة.",
    "errors.delegate_mobile_mismatch": "رقم الجوال لا يطابق الرقم المسجل في حساب المفوَّض له.",
    "errors.delegation_start_past": "لا يمكن أن يبدأ التفويض في تاريخ مضى.",
    "errors.delegation_start_far": "يجب أن يبدأ التفويض خلال {days} يوماً من اليوم.",
    "errors.delegation_end_before_start": "تاريخ النهاية قبل تاريخ البداية.",
    "errors.delegation_too_long": "مدة التفويض {days} يوماً على الأكثر؛ آخر تاريخ ممكن {date}.",
    "errors.delegation_duplicate": "لديك تفويض قائم لهذا الشخص يشمل خدمة مما اخترت "
                                   "(الرقم المرجعي {reference}).",
    "errors.delegation_reference_wrong": "الرقم المرجعي غير صحيح، أو أن التفويض ليس موجهاً "
                                         "إليك. تحقق من الرسالة التي وصلتك.",
    "errors.delegation_withdrawn": "سحب المفوِّض هذا التفويض، فلا يمكن قبوله.",
    "errors.delegation_expired": "انتهت مدة هذا التفويض، فلا يمكن التصرف بموجبه.",
    "errors.delegation_already_answered": "سبق الرد على هذا التفويض.",
    "errors.delegation_not_found": "لا يوجد تفويض منك بهذا الرقم.",
    "errors.delegation_not_pending": "لا يمكن سحب هذا التفويض: لم يعد بانتظار القبول.",
    "errors.delegation_not_active": "لا يمكن ذلك: التفويض غير ساري.",
    "errors.delegation_is_pending": "لم يُقبل هذا التفويض بعد.",
    "errors.delegation_is_rejected": "رُفض هذا التفويض، فلا يمكن التصرف بموجبه.",
    "errors.delegation_is_withdrawn": "سُحب هذا التفويض، فلا يمكن التصرف بموجبه.",
    "errors.delegation_is_revoked": "ألغى المفوِّض هذا التفويض، فلا يمكنك التصرف بموجبه.",
    "errors.delegation_is_suspended": "أُوقف هذا التفويض، فلا يمكنك التصرف بموجبه.",
    "errors.delegation_is_expired": "انتهت مدة هذا التفويض، فلا يمكن التصرف بموجبه.",
    "errors.delegation_not_started": "لم يبدأ التفويض بعد؛ يبدأ في {date}.",
    "errors.delegation_service_out_of_scope": "هذه الخدمة ليست ضمن الخدمات المفوَّضة إليك.",
    "errors.delegation_unknown": "لا يوجد تفويض بهذا الرقم المرجعي.",
    "errors.plate_invalid": "رقم اللوحة ثلاثة أحرف لاتينية ثم أربعة أرقام على الأكثر.",
    "errors.plate_not_owned": "لا توجد مركبة مسجلة باسمك بهذه اللوحة.",
    "errors.plate_in_transfer": "هذه المركبة قيد نقل ملكية لم يكتمل.",
    "errors.buyer_self": "لا يمكن أن يكون المشتري هو المالك.",
    "errors.buyer_not_active": "يجب أن يكون للمشتري حساب مفعّل في أبشر ليؤكد الشراء.",
    "errors.transfer_not_found": "لا يوجد نقل ملكية بانتظار ردك.",
    # Notifications and SMS.
    "notifications.delegation_received": "أبشر: فوّضك {name} من {start} إلى {end}. الرقم "
                                         "المرجعي {reference}؛ أدخله في صفحة التفويضات لقبوله.",
    "notifications.delegation_sent": "أُرسل طلب التفويض {reference} إلى المفوَّض له.",
    "notifications.delegation_submitted": "أبشر الجوازات: أُرسل طلب التفويض {reference} إلى "
                                          "المفوَّض له بانتظار قبوله.",
    "notifications.vehicle_transfer_offer": "أبشر: طلب نقل ملكية المركبة {plate} إليك بسعر "
                                            "{price} ريال. أكّد أو ارفض من صفحة مركباتي.",
    "notifications.vehicle_transfer_completed": "أكّد المشتري نقل ملكية المركبة {plate}.",
    "notifications.vehicle_transfer_declined": "رفض المشتري نقل ملكية المركبة {plate}.",
    # The pages.
    "delegation.title": "التفويضات",
    "delegation.lead": "التفويضات التي منحتها والتي مُنحت لك، بكل حالاتها. لا يُحذف شيء منها.",
    "delegation.new": "عمل تفويض إلكتروني جديد",
    "delegation.pending_to_me": "تفويضات بانتظار ردي",
    "delegation.none_pending": "لا توجد تفويضات بانتظار ردك.",
    "delegation.answer_title": "قبول تفويض أو رفضه",
    "delegation.reference": "الرقم المرجعي",
    "delegation.reference_hint": "الرقم المكون من 10 أرقام في الرسالة النصية التي وصلتك.",
    "delegation.decision": "ردّك",
    "delegation.accept": "أقبل التفويض",
    "delegation.reject": "أرفض التفويض",
    "delegation.send_answer": "إرسال الرد",
    "delegation.answered_accept": "قبلتَ التفويض، وأصبح سارياً.",
    "delegation.answered_reject": "رفضتَ التفويض.",
    "delegation.to_me": "تفويضات لي",
    "delegation.from_me": "تفويضات مني",
    "delegation.none": "لا توجد تفويضات.",
    "delegation.delegator": "المفوِّض",
    "delegation.delegate": "المفوَّض له",
    "delegation.services": "الخدمات",
    "delegation.period": "المدة",
    "delegation.status_label": "الحالة",
    "delegation.detail_title": "تفاصيل التفويض",
    "delegation.not_found": "لا يوجد تفويض بهذا الرقم يخصك.",
    "delegation.withdraw": "سحب طلب التفويض",
    "delegation.revoke": "إلغاء التفويض",
    "delegation.revoke_question": "هل تريد إلغاء هذا التفويض؟ لن يستطيع المفوَّض التصرف عنك بعده، وسنُعلم الطرفين.",
    "delegation.revoke_yes": "نعم، ألغِ التفويض",
    "delegation.withdraw_question": "هل تريد سحب طلب التفويض؟ لن يستطيع المفوَّض قبوله بعده.",
    "delegation.withdraw_yes": "نعم، اسحب الطلب",
    "delegation.not_me_question": "هل تريد إيقاف هذا التفويض فوراً؟ لن يستطيع المفوَّض التصرف عنك، وسنُعلم الطرفين.",
    "delegation.not_me_yes": "نعم، أوقف التفويض",
    "delegation.keep": "لا، أبقِه",
    "delegation.certificate": "شهادة التفويض",
    "delegation.back_to_list": "العودة إلى التفويضات",
    "delegation.back_to_delegation": "العودة إلى التفويض",
    "delegation.act_title": "الخدمات التي يمكنك إنجازها نيابة عن المفوِّض",
    "delegation.cannot_act_now": "لا يمكنك التصرف بموجب هذا التفويض الآن.",
    "delegation.acting_for": "تتصرف نيابة عن {name} بموجب تفويض.",
    "delegation.feed_title": "سجل نشاط المفوَّض له",
    "delegation.feed_lead": "كل ما قام به المفوَّض له بموجب هذا التفويض، بوقته ورقمه المرجعي.",
    "delegation.feed_empty": "لا يوجد نشاط بعد.",
    "delegation.not_me_lead": "هل ترى في السجل ما لم تطلبه؟ أوقف التفويض فوراً، وسنُعلم الطرفين.",
    "delegation.not_me": "لم أكن أنا: أوقف التفويض",
    "delegation.history_title": "سجل التفويض",
    "delegation.withdrawn_done": "سُحب طلب التفويض.",
    "delegation.revoked_done": "أُلغي التفويض، وأبلغنا الطرفين برسالة نصية.",
    "delegation.suspended_done": "أُوقف التفويض فوراً، وأبلغنا الطرفين.",
    "delegation.certificate_title": "شهادة تفويض إلكتروني",
    "delegation.valid_now": "التفويض ساري الآن",
    "delegation.not_valid_now": "التفويض غير ساري الآن",
    "delegation.qr_alt": "رمز QR للتحقق من التفويض",
    "delegation.qr_caption": "امسح الرمز أو افتح:",
    "verify.title": "التحقق من تفويض",
    "verify.lead": "أدخل الرقم المرجعي للتفويض لمعرفة هل هو ساري الآن وما يشمله. لا تظهر "
                   "الأسماء إلا مخفية جزئياً.",
    "verify.check": "تحقق",
    "verify.result_title": "التفويض {reference}",
    "verify.result_region": "نتيجة التحقق",
    "vehicles.title": "مركباتي",
    "vehicles.awaiting_title": "نقل ملكية بانتظار تأكيدك",
    "vehicles.accept": "أؤكد الشراء",
    "vehicles.decline": "أرفض",
    "vehicles.none_awaiting": "لا يوجد نقل ملكية بانتظارك.",
    "vehicles.mine_title": "المركبات المسجلة باسمي",
    "vehicles.none": "لا توجد مركبات مسجلة باسمك.",
    "vehicles.sell": "نقل ملكية مركبة",
    "vehicles.accepted": "انتقلت ملكية المركبة إليك.",
    "vehicles.declined": "رفضتَ نقل الملكية.",
    "tiles.delegations_count": "{to_me} لي / {from_me} مني",
}

EN = {
    "service.delegation.title": "Electronic delegation for individuals",
    "service.delegation.summary": "Let an adult citizen do chosen services for you, for dates "
                                  "you set.",
    "service.vehicle_transfer.title": "Vehicle ownership transfer",
    "service.vehicle_transfer.summary": "Sell your vehicle; ownership passes once the buyer "
                                        "confirms.",
    "group.traffic": "Traffic",
    "group.delegation": "Delegation",
    "outcome.delegation": "Delegation reference",
    "outcome.plate": "Vehicle plate",
    "fees.vehicle_transfer": "Vehicle ownership transfer fee",
    "blockers.delegator_category": "Your type of account cannot make a delegation.",
    "fixes.delegator_category": "Delegation is open to citizens and residents.",
    "blockers.delegator_not_active": "Your account is not activated.",
    "fixes.delegator_not_active": "Activate it through your bank, a self-service kiosk or an "
                                  "office.",
    "step.delegation_sector": "Sector to be reviewed",
    "field.sector": "The sector the delegate deals with",
    "option.sector_passports": "General Directorate of Passports",
    "option.sector_traffic": "General Department of Traffic (vehicle ownership transfer)",
    "step.delegated_services": "Delegated services",
    "field.delegated_services": "Choose one or more services",
    "hint.delegated_services": "The delegate can use only these, for you and those you "
                               "sponsor.",
    "step.delegate": "The delegate",
    "field.delegate_id": "Delegate's ID number",
    "hint.delegate_id": "An adult citizen with an activated Absher account.",
    "field.delegate_mobile": "Delegate's mobile number",
    "hint.delegate_mobile": "The one on their account, e.g. 0551234567; the reference number "
                            "goes there.",
    "step.delegation_period": "Period of the delegation",
    "field.starts_on": "First day",
    "field.ends_on": "Last day",
    "hint.delegation_period": "One year at most; the first and last days are included.",
    "step.delegation_terms": "Terms and conditions",
    "field.delegation_terms": "I agree that the delegate will do these services in my name, I "
                              "am responsible for what they submit during the period, and I "
                              "can revoke it at any time.",
    "hint.delegation_terms": "Everything the delegate does appears in the delegation's "
                             "activity feed.",
    "wizard.code_title": "Verification code",
    "wizard.code_sent": "We sent a verification code to your mobile {mobile}. Enter it to "
                        "confirm the request.",
    "wizard.code_label": "Code sent to your mobile",
    "wizard.code_submit": "Confirm and send",
    "wizard.code_resend": "Send a new code",
    "wizard.next_delegation": "The delegate has been sent a text message with the reference "
                              "number; the delegation becomes active once they accept it in "
                              "their own account. Follow it on the Delegations page.",
    "sms.code.confirm": "Your Absher Passports confirmation code: {code}. Do not share it.",
    "step.vehicle": "The vehicle",
    "field.plate": "Plate number",
    "hint.plate": "Three letters then the digits, e.g. ABD1234. Your vehicles are on the My "
                  "vehicles page.",
    "step.buyer": "Buyer and price",
    "field.buyer_id": "Buyer's ID number",
    "field.price": "Sale price in SAR",
    "step.transfer_confirm": "Seller's confirmation",
    "field.seller_confirms": "I confirm selling this vehicle to this buyer at this price.",
    "errors.choose_at_least_one": "Choose at least one option.",
    "errors.delegator_category": "Your type of account cannot delegate; delegation is for "
                                 "citizens and residents.",
    "errors.delegator_not_active": "Your account is not activated; activate it to delegate.",
    "errors.services_required": "Choose at least one service.",
    "errors.service_not_delegable": "This service cannot be delegated in this sector.",
    "errors.delegate_self": "You cannot delegate to yourself.",
    "errors.delegate_not_active": "No activated Absher account has this number. The delegate "
                                  "must register and activate their account first.",
    "errors.delegate_not_citizen": "The delegate must be a citizen.",
    "errors.delegate_minor": "The delegate must be at least {age} years old.",
    "errors.delegate_mobile_mismatch": "This mobile is not the one on the delegate's account.",
    "errors.delegation_start_past": "A delegation cannot start in the past.",
    "errors.delegation_start_far": "A delegation must start within {days} days from today.",
    "errors.delegation_end_before_start": "The last day is before the first day.",
    "errors.delegation_too_long": "A delegation lasts {days} days at most; the latest last day "
                                  "is {date}.",
    "errors.delegation_duplicate": "You already have a delegation to this person covering one "
                                   "of these services (reference {reference}).",
    "errors.delegation_reference_wrong": "This reference number is wrong, or the delegation is "
                                         "not addressed to you. Check the text message you "
                                         "received.",
    "errors.delegation_withdrawn": "The delegator withdrew this delegation; it cannot be "
                                   "accepted.",
    "errors.delegation_expired": "This delegation has expired; nothing can be done under it.",
    "errors.delegation_already_answered": "This delegation was already answered.",
    "errors.delegation_not_found": "You made no delegation with this number.",
    "errors.delegation_not_pending": "This request can no longer be withdrawn: it is not "
                                     "awaiting the delegate.",
    "errors.delegation_not_active": "Not possible: the delegation is not active.",
    "errors.delegation_is_pending": "This delegation has not been accepted yet.",
    "errors.delegation_is_rejected": "This delegation was rejected; nothing can be done "
                                     "under it.",
    "errors.delegation_is_withdrawn": "This delegation was withdrawn; nothing can be done "
                                      "under it.",
    "errors.delegation_is_revoked": "The delegator revoked this delegation; you can no longer "
                                    "act under it.",
    "errors.delegation_is_suspended": "This delegation is suspended; you can no longer act "
                                      "under it.",
    "errors.delegation_is_expired": "This delegation has expired; nothing can be done under "
                                    "it.",
    "errors.delegation_not_started": "This delegation has not started yet; it starts on "
                                     "{date}.",
    "errors.delegation_service_out_of_scope": "This service is not one delegated to you.",
    "errors.delegation_unknown": "No delegation has this reference number.",
    "errors.plate_invalid": "A plate is three Latin letters then up to four digits.",
    "errors.plate_not_owned": "No vehicle of yours has this plate.",
    "errors.plate_in_transfer": "This vehicle already has a transfer in progress.",
    "errors.buyer_self": "The buyer cannot be the owner.",
    "errors.buyer_not_active": "The buyer needs an activated Absher account to confirm.",
    "errors.transfer_not_found": "No transfer is awaiting your answer.",
    "notifications.delegation_received": "Absher: {name} delegated to you from {start} to "
                                         "{end}. Reference {reference}; enter it on the "
                                         "Delegations page to accept.",
    "notifications.delegation_sent": "Delegation request {reference} was sent to the delegate.",
    "notifications.delegation_submitted": "Absher Passports: delegation request {reference} "
                                          "was sent to the delegate for acceptance.",
    "notifications.vehicle_transfer_offer": "Absher: vehicle {plate} is being transferred to "
                                            "you for SAR {price}. Confirm or decline on My "
                                            "vehicles.",
    "notifications.vehicle_transfer_completed": "The buyer confirmed the transfer of vehicle "
                                                "{plate}.",
    "notifications.vehicle_transfer_declined": "The buyer declined the transfer of vehicle "
                                               "{plate}.",
    "delegation.title": "Delegations",
    "delegation.lead": "Delegations you gave and those given to you, in every status. Nothing "
                       "is ever deleted.",
    "delegation.new": "New electronic delegation",
    "delegation.pending_to_me": "Awaiting my answer",
    "delegation.none_pending": "No delegation is awaiting your answer.",
    "delegation.answer_title": "Accept or reject a delegation",
    "delegation.reference": "Reference number",
    "delegation.reference_hint": "The 10-digit number in the text message you received.",
    "delegation.decision": "Your answer",
    "delegation.accept": "I accept the delegation",
    "delegation.reject": "I reject the delegation",
    "delegation.send_answer": "Send my answer",
    "delegation.answered_accept": "You accepted the delegation; it is now active.",
    "delegation.answered_reject": "You rejected the delegation.",
    "delegation.to_me": "Delegations to me",
    "delegation.from_me": "Delegations from me",
    "delegation.none": "No delegations.",
    "delegation.delegator": "Delegator",
    "delegation.delegate": "Delegate",
    "delegation.services": "Services",
    "delegation.period": "Period",
    "delegation.status_label": "Status",
    "delegation.detail_title": "Delegation details",
    "delegation.not_found": "No delegation of yours has this number.",
    "delegation.withdraw": "Withdraw the request",
    "delegation.revoke": "Revoke the delegation",
    "delegation.revoke_question": "Revoke this delegation? The delegate can no longer act for "
                                  "you, and we will tell you both.",
    "delegation.revoke_yes": "Yes, revoke it",
    "delegation.withdraw_question": "Withdraw the request? The delegate can no longer accept it.",
    "delegation.withdraw_yes": "Yes, withdraw it",
    "delegation.not_me_question": "Suspend this delegation at once? The delegate can no longer "
                                  "act for you, and we will tell you both.",
    "delegation.not_me_yes": "Yes, suspend it",
    "delegation.keep": "No, keep it",
    "delegation.certificate": "Delegation certificate",
    "delegation.back_to_list": "Back to delegations",
    "delegation.back_to_delegation": "Back to the delegation",
    "delegation.act_title": "Services you can do for the delegator",
    "delegation.cannot_act_now": "You cannot act under this delegation now.",
    "delegation.acting_for": "You are acting for {name} under a delegation.",
    "delegation.feed_title": "Delegate's activity",
    "delegation.feed_lead": "Everything the delegate did under this delegation, with its time "
                            "and reference.",
    "delegation.feed_empty": "No activity yet.",
    "delegation.not_me_lead": "Something here you did not ask for? Stop the delegation at "
                              "once; we will tell you both.",
    "delegation.not_me": "This wasn't me: suspend the delegation",
    "delegation.history_title": "History of the delegation",
    "delegation.withdrawn_done": "The request was withdrawn.",
    "delegation.revoked_done": "The delegation was revoked; both of you were told by text "
                               "message.",
    "delegation.suspended_done": "The delegation was suspended at once; both of you were told.",
    "delegation.certificate_title": "Electronic delegation certificate",
    "delegation.valid_now": "This delegation is valid now",
    "delegation.not_valid_now": "This delegation is not valid now",
    "delegation.qr_alt": "QR code to verify the delegation",
    "delegation.qr_caption": "Scan the code or open:",
    "verify.title": "Verify a delegation",
    "verify.lead": "Enter a delegation's reference number to see whether it is valid now and "
                   "what it covers. Names are shown only partly hidden.",
    "verify.check": "Verify",
    "verify.result_title": "Delegation {reference}",
    "verify.result_region": "Verification result",
    "vehicles.title": "My vehicles",
    "vehicles.awaiting_title": "Transfers awaiting your confirmation",
    "vehicles.accept": "I confirm the purchase",
    "vehicles.decline": "Decline",
    "vehicles.none_awaiting": "No transfer is awaiting you.",
    "vehicles.mine_title": "Vehicles registered to me",
    "vehicles.none": "No vehicle is registered to you.",
    "vehicles.sell": "Transfer a vehicle's ownership",
    "vehicles.accepted": "The vehicle is now yours.",
    "vehicles.declined": "You declined the transfer.",
    "tiles.delegations_count": "{to_me} to me / {from_me} from me",
}

for _status, _text in _STATUS_AR.items():
    AR[f"delegation.status.{_status}"] = _text
for _status, _text in _STATUS_EN.items():
    EN[f"delegation.status.{_status}"] = _text
for _kind, _text in _EVENT_AR.items():
    AR[f"delegation.event.{_kind}"] = _text
for _kind, _text in _EVENT_EN.items():
    EN[f"delegation.event.{_kind}"] = _text
for _kind, (_delegator, _delegate) in _NOTICE_AR.items():
    AR[f"notifications.delegation_{_kind}_delegator"] = _delegator
    AR[f"notifications.delegation_{_kind}_delegate"] = _delegate
for _kind, (_delegator, _delegate) in _NOTICE_EN.items():
    EN[f"notifications.delegation_{_kind}_delegator"] = _delegator
    EN[f"notifications.delegation_{_kind}_delegate"] = _delegate
