"""Public-comment signals: health disclosure, personal advice requests, spam and promotion.

Each signal is a set of compiled patterns that need *personal* wording, because what makes a
public comment unsafe to publish is not the topic but the person:

- **health_disclosure**: the writer, or a relative they name, *has* a condition, symptom,
  medication, procedure or result ("my A1C was 9.1", "my mom has cervical cancer", "I was
  diagnosed with…", "I've been on metformin for years"). Talking about a topic ("diabetes is
  common", "great article on A1C") is not a disclosure.
- **advice_request**: a question about what *this* person (or their relative) should do or
  whether *their* situation is normal ("should I stop my metformin?", "what dose should I
  take", "is this normal for me?"). A general question ("what is A1C?") is not.
- **spam** / **promotion**: shop links, selling, crypto and money schemes, SEO and backlink
  offers, miracle cures, repeated links; undisclosed promotion ("use my code", "I sell…").

`signals(text)` returns `(label, start, end)` spans; the engine turns them into reasons.
Everything is compiled once, at import.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from bedside.screening.lexicon import _Lexicon, _split_top_level, by_first_letter

# --- vocabulary ---------------------------------------------------------------------------
RELATIVE = (
    r"(?:mom|mum|mommy|mother|dad|daddy|father|parents?|husband|hubby|wife|spouse|partner|boyfriend|girlfriend|fianc[eé]e?|"
    r"son|sons|daughter|daughters|kids?|child|children|baby|toddler|teen|teenager|brother|sister|sibling|twin|"
    r"grand(?:ma|pa|mother|father|son|daughter|kids?|child|dad|parents?)|granddad|gramps|grampa|granny|nana|papa|aunt|auntie|uncle|niece|nephew|cousin|"
    r"in-laws?|mother-in-law|father-in-law|stepdad|stepmom|stepson|stepdaughter|family|best friend|friend|roommate|"
    r"boss|neighbou?r|boy|boys|girl|girls|kiddo|newborn|infant|little\s+one|youngest|oldest|eldest|middle\s+child|"
    # forum shorthand in capitals: DS/DD/DH/DW (dear son, daughter, husband, wife), LO (little one)
    r"(?-i:DS|DD|DH|DW|DSS|DSD|LO|DS\d|DD\d|MIL|FIL|SIL|BIL)|"
    # "my 3 year old", "our 18-month-old", "my 2yo"
    r"\d{1,2}\s*(?:-\s*)?(?:years?|yrs?|months?|mos?|weeks?|wks?)\s*(?:-\s*)?olds?|\d{1,2}\s*(?:yo|y/o|mo)\b)(?:\s+(?-i:[A-Z][a-z]+)(?=\s+(?:is|has|had|was|takes|took|got|gets|just|went|needs)\b))?"
)
CONDITION = (
    r"(?:diabet\w*|pre-?diabet\w*|type\s?[12]|t[12]d|cancer|tumou?r|leukemia|lymphoma|melanoma|carcinoma|sarcoma|"
    r"hypertension|high blood pressure|low blood pressure|hypotension|high cholesterol|cholesterol|heart disease|"
    r"heart failure|chf|afib|a-?fib|atrial fibrillation|arrhythmia|heart attack|stroke|tia|angina|copd|asthma|"
    r"emphysema|pneumonia|bronchitis|covid|long covid|flu|influenza|shingles|hiv|aids|hepatitis|hep [abc]|std|sti|"
    r"lymph?edema|edema|hypos?|dka|neuropathy|"
    r"deaf|hard of hearing|hearing loss|cochlear implant|colostomy|ileostomy|ostomy|stoma|bone on bone|growth hormone deficiency|"
    r"norovirus|stomach bug|pink eye|strep|strep throat|rsv|hand,? foot and mouth|chickenpox|chicken pox|measles|mumps|whooping cough|lice|scabies|pinworms?|ringworm|impetigo|"
    r"herpes|hpv|chlamydia|gonorrh?ea|syphilis|uti|kidney disease|ckd|kidney stones?|dialysis|liver disease|"
    r"cirrhosis|fatty liver|gallstones?|ibs|ibd|crohn'?s|colitis|celiac|gerd|acid reflux|reflux|ulcers?|"
    r"arthritis|osteo\w*|rheumatoid|lupus|fibromyalgia|gout|ms|multiple sclerosis|parkinson'?s|alzheimer'?s|"
    r"dementia|epilepsy|seizures?|migraines?|headaches?|depression|depressed|anxiety|panic attacks?|ptsd|ocd|"
    r"adhd|(?-i:ADD)|autism|autistic|bipolar|schizophreni\w*|eating disorder|anorexia|bulimia|insomnia|sleep apnea|"
    r"apnea|thyroid|hypothyroid\w*|hyperthyroid\w*|hashimoto'?s|graves|pcos|endometriosis|infertility|menopause|"
    r"perimenopause|pregnan\w*|miscarriages?|preeclampsia|gestational|anemia|anaemia|sickle cell|hemophilia|"
    r"pots|ehlers[\s-]danlos|eds|mcas|me/cfs|chronic fatigue|psoriasis|eczema|periods|period (?:pains?|cramps|(?=(?:is|was|came|has|started|stopped|lasted|lasts)\b))|cramps|pmdd|pms|ppd|postpartum (?:depression|anxiety|psychosis)|hormones|hot flash\w*|hot flushes|night sweats|spotting|2ww|tww|vasectomy|the snip|brain fog|intrusive thoughts|acne|rosacea|allerg\w*|obes\w*|overweight|neuropathy|sciatica|herniated disc|"
    r"back pain|chronic pain|pain|glaucoma|cataracts?|macular degeneration|tinnitus|hearing loss|vertigo|"
    r"passed out|fainted|collapsed|unresponsive|not breathing|isn'?t waking up|won'?t wake up|"
    r"cold sores?|canker sores?|sores|warts|nicu|picu|premature|preemie|born early|"
    r"vocal (?:cord )?nodules|deviated septum|sinusitis|sinus infections?|nasal polyps|ear infections?|hay fever|restless legs?|narcolepsy|"
    # seventeenth round: digestive, urological and neurological conditions as commenters name them
    # eighteenth round: mental health, heat and outdoor illness
    r"(?:nervous |mental )?breakdown(?! (?:of|cover|lane|truck|service))|emetophobia|agoraphobia|claustrophobia|selective mutism|mutism|stutter(?:ing)?|stammer(?:ing)?|"
    r"heat exhaustion|heat ?stroke|food poisoning|carbon monoxide poisoning|frostbite|hypothermia|dehydration|sun poisoning|lyme(?: disease)?|"
    r"utis|erectile (?:dysfunction|issues|problems)|hemorrhoids|haemorrhoids|diverticulitis|diverticulosis|hernia|overactive bladder|incontinence|"
    r"bph|enlarged prostate|prostatitis|brain injury|tbi|concussions?|aphasia|essential tremor|tremors?|sciatica|pancreatitis|gastroparesis|sibo|"
    r"barrett'?s(?: esophagus)?|h\.? ?pylori|interstitial cystitis|cystitis|anal fissures?|fissures?|fistula|trigeminal neuralgia|"
    r"blighted ovum|ectopic(?: pregnancy)?|chemical pregnancy|molar pregnancy|stillbirth|retained placenta|placenta previa|preterm labou?r|hyperemesis|mastitis|tongue[\s-]?tie|memory care|"
    r"addiction|alcoholism|alcoholic|sober|relapse|overdose|a1c|hba1c|blood sugar|glucose|psa|tsh|ldl|hdl|"
    r"triglycerides|bmi|blood pressure|bp|cancer|polyps?|lump|mass|cyst|nodule|fracture|broken \w+|torn \w+|"
    r"infection|rash|hives|fever|cough|symptoms?|condition|disease|disorder|illness|syndrome|diagnosis)"
)
MEDICATION_SPECIFIC = (
    r"(?:metformin|ozempic|wegovy|mounjaro|lisinopril|losartan|amlodipine|metoprolol|statin|atorvastatin|lipitor|rosuvastatin|"
    r"crestor|warfarin|coumadin|eliquis|xarelto|levothyroxine|synthroid|prednisone|sertraline|zoloft|prozac|lexapro|"
    r"wellbutrin|xanax|adderall|lithium|gabapentin|antidepressants?|chemo|blood\s+pressure\s+(?:meds|medication|pills?))"
)
MEDICATION = (
    r"(?:metformin|insulin|ozempic|wegovy|mounjaro|zepbound|semaglutide|tirzepatide|trulicity|jardiance|farxiga|"
    r"januvia|glipizide|lisinopril|losartan|amlodipine|metoprolol|atenolol|carvedilol|hydrochlorothiazide|hctz|"
    r"furosemide|lasix|statins?|atorvastatin|lipitor|rosuvastatin|crestor|simvastatin|warfarin|coumadin|eliquis|"
    r"xarelto|plavix|clopidogrel|aspirin|levothyroxine|synthroid|prednisone|steroids?|methotrexate|humira|"
    r"sertraline|zoloft|prozac|fluoxetine|lexapro|escitalopram|citalopram|paxil|wellbutrin|bupropion|effexor|"
    r"cymbalta|duloxetine|xanax|alprazolam|klonopin|ativan|lorazepam|valium|ambien|adderall|ritalin|vyvanse|"
    r"lithium|lamictal|seroquel|abilify|gabapentin|lyrica|tramadol|oxycodone|percocet|vicodin|hydrocodone|"
    r"morphine|suboxone|methadone|ibuprofen|advil|motrin|tylenol|acetaminophen|naproxen|aleve|omeprazole|"
    r"prilosec|nexium|pantoprazole|antibiotics?|antidepressants?|amoxicillin|doxycycline|cipro|birth control|the pill|iud|hrt|"
    r"growth hormone|injections|estrogen|testosterone|chemo(?:therapy)?|radiation|immunotherapy|meds|medications?|medicine|pills?|"
    r"letrozole|clomid|femara|progesterone|flonase|singulair|zyrtec|claritin|allegra|albuterol|symbicort|advair|zofran|diclegis|"
    r"prescriptions?|inhaler|cpap|epipen|cgm|dexcom|libre|omnipod|insulin pump|cold cap|port|picc|dialysis|supplements?|vitamin \w+|melatonin)"
)
PROCEDURE = (
    r"(?:surgery|operation|procedure|knee replacement|hip replacement|replacement|bypass|stent|biopsy|"
    r"mastectomy|lumpectomy|hysterectomy|c-section|colonoscopy|endoscopy|mammogram|pap smear|mri|ct scan|"
    r"cat scan|pet scan|x-?ray|ultrasound|scan|blood ?work|labs?|tests?|test results|results|ekg|ecg|echo|"
    r"stress test|transplant|chemo|radiation|physical therapy|pt|rehab|appointment|septoplasty|tonsillectomy|adenoidectomy|ear tubes|"
    r"sinus surgery|d&c|epidural|ivf|iui|egg retrieval|embryo transfer|frenotomy|allergy shots|sleep study)"
)
RESULT = (
    r"(?:a1c|hba1c|blood sugar|sugars?|glucose|fasting glucose|numbers|levels?|blood pressure|bp|cholesterol|"
    r"ldl|hdl|triglycerides|psa|tsh|t4|inr|creatinine|egfr|gfr|potassium|sodium|iron|ferritin|b12|"
    r"vitamin d|hemoglobin|platelets|white count|wbc|heart rate|pulse|resting heart rate|oxygen|o2|sats?|"
    r"weight|bmi|temp(?:erature)?|fever|ejection fraction|ef|results?|labs?|blood ?work|biopsy|scan|mri|"
    r"mammogram|pap|test|readings?|ketones|liver enzymes|alt|ast|eye pressure|bone density|t-score)"
)
BODY = (
    r"(?:head|neck|back|lower back|chest|heart|stomach|belly|tummy|abdomen|side|hip|hips|knee|knees|ankle|"
    r"ankles|foot|feet|toe|toes|leg|legs|arm|arms|shoulder|shoulders|wrist|hand|hands|finger|fingers|elbow|"
    r"eye|eyes|ear|ears|throat|mouth|teeth|tooth|gums|jaw|skin|joints?|muscles?|bladder|kidneys?|liver|lungs?|"
    r"breasts?|nipple|period|periods|cycle|vision|hearing|memory|mood|sleep|energy|appetite|bowels?|stool|"
    r"pee|urine|incision|scar|wound|stitches|blood)"
)
SYMPTOM_VERB = (
    r"(?:hurts?|hurting|aches?|aching|is swollen|are swollen|swelled|swelling|is numb|are numb|tingles|tingling|"
    r"itches|itching|burns|burning|bleeds?|bleeding|throbs|throbbing|is killing me|are killing me|is sore|are sore|"
    r"is red|is leaking|won'?t stop|keeps?|has been|have been|was|were|is|are|got|gets|feels?|went|came back|"
    r"dropped|spiked|rose|jumped|is still|are still)"
)
SYMPTOM = (
    r"(?:passed out|fainted|collapsed|unresponsive|tightness|chest tightness|chest pressure|pain|painful|dizzy|dizziness|light-?headed|nause\w*|vomit\w*|throwing up|diarrh\w*|constipat\w*|"
    r"tired(?!\s+of\b)|exhausted|fatigue\w*|weak|weakness|numb|numbness|tingl\w*|short of breath|shortness of breath|"
    r"out of breath|wheez\w*|cough\w*|fever\w*|chills|sweats|night sweats|palpitations|racing heart|"
    r"heart racing|chest pain|headaches?|migraines?|cramps?|cramping|bloat\w*|rash\w*|hives|itch\w*|"
    r"swell\w*|swollen|bruis\w*|bleed\w*|spotting|blurr\w*|blurry vision|insomnia|can'?t sleep|"
    r"trouble sleeping|anxious|anxiety|depressed|panic(?![\s-]+(?:pick\w*|buy\w*|bought|mode|button|room|order\w*|sell\w*|clean\w*|scroll\w*|googl\w*))|hair loss|losing hair|weight gain|gaining weight|"
    r"weight loss|losing weight|hot flashes|lumps?|sore|soreness|stiff\w*|aches?|achy|burning|"
    r"side effects?|reaction|symptoms?|flare\w*|relapse\w*|threw up|thrown up|puk(?:e|ed|ing)|sneez\w*|meltdowns?|shedding|hair\s+(?:is\s+)?falling\s+out|crusted|discharge|pus|oozing)"
)

RELATIVE, CONDITION, MEDICATION, MEDICATION_SPECIFIC, PROCEDURE, RESULT, BODY, SYMPTOM, SYMPTOM_VERB = (
    by_first_letter(v) for v in (RELATIVE, CONDITION, MEDICATION, MEDICATION_SPECIFIC, PROCEDURE, RESULT, BODY, SYMPTOM, SYMPTOM_VERB)
)
# "my flu shot", "our covid booster": a vaccination alone discloses no condition
_VACCINATION = r"\s+(?:shots?|jabs?|vaccines?|vaccinations?|boosters?)\b"
CONDITION += rf"(?!{_VACCINATION})"
_FLAGS = re.IGNORECASE
MY_REL = rf"(?:my|our)\s+(?:\d+[\s-]*(?:year|yr|month|week)s?[\s-]*old\b(?:\s+{RELATIVE})?|(?:little\s+|older\s+|younger\s+|baby\s+|teenage\s+|elderly\s+|adult\s+|oldest\s+|youngest\s+)?{RELATIVE})"

# --- health disclosure --------------------------------------------------------------------
I_ = r"(?:i|i'?ve|i'?m|i'?d|ive|im)"
_DISCLOSURE = [
    # diagnosis of the writer or a relative
    rf"\b(?:i|{MY_REL}|he|she)\s+(?:was|were|got|have\s+been|has\s+been|'?ve\s+been|'?s\s+been|just\s+got|recently\s+got|finally\s+got|am|is|were|just)\s+(?:just\s+|recently\s+|finally\s+|newly\s+|officially\s+)?diagnosed\b",
    r"\b(?:i'?ve|ive|i\s+have|i\s+was|i'?m|im|i\s+am)\s+(?:just\s+|recently\s+|newly\s+)?(?:been\s+)?diagnosed\b",
    rf"\bmy\s+(?:(?:{RELATIVE})'?s?\s+)?(?:diagnosis|diagnoses|dx|prognosis|condition|illness|disease|cancer|tumou?r|diabetes|symptoms|side effects|flare|relapse|surgery|operation|biopsy|scan|results?|labs?|bloodwork|blood work|treatment|treatments|infusions|transfusions|chemo|radiation|therapy|oncologist|cardiologist|endocrinologist|neurologist|psychiatrist|therapist|rheumatologist|surgeon|specialist|insulin|insulin\s+pump|pump|cgm|inhaler|infusions?|birth\s+control|{MEDICATION_SPECIFIC})\b",
    rf"\bmy\s+(?:(?:{RELATIVE})'?s?\s+)?(?:own\s+|chronic\s+|new\s+|recent\s+|current\s+|ongoing\s+|stage\s+\w+\s+|type\s+[12]\s+|[\w-]{{1,40}}\s+)?{CONDITION}\b(?!\s+(?:risk|awareness|screening|research|prevention|education|class|group|month|walk|foundation))",
    rf"\b(?:i'?m|im|i\s+am|i'?ve\s+been|she'?s|he'?s|{MY_REL}\s+(?:is|was|has\s+been))\s+(?:still\s+|slowly\s+)?(?:recovering|healing|going\s+through|getting\s+over|in\s+remission\s+from|undergoing|doing|starting|finishing)\s+(?:from\s+)?(?:(?:a|an|my|his|her|the|\w+)\s+){{0,3}}(?:{PROCEDURE}|{CONDITION}|{MEDICATION})\b",
    r"\b(?:had|got)\s+(?:my|his|her)\s+(?:\w+\s+)?(?:gallbladder|appendix|tonsils|uterus|thyroid|prostate|spleen|kidney|ovaries|ovary|breast|colon|wisdom\s+teeth)\s+(?:out|removed|taken\s+out)\b",
    rf"\bmine\s+(?:was|is|went|came\s+back|has\s+been|dropped|hit)\s+(?:\w+\s+)?\d+(?:\.\d+)?|\b(?:{CONDITION}\s+)?survivor\s+(?:of|here)\b|\bsurvivor\s+of\s+(?:\w+\s+){{0,2}}{CONDITION}",
    rf"\b(?:finally|now|been|am|i'?m|got|came|went)\s+off\s+(?:(?:my|the|all|of)\s+)*{MEDICATION}\b",
    r"\b(?:\w+\s+)?(?:years?|months?|weeks?|days?)\s+(?:cancer[\s-]free|sober|clean|in\s+remission|post-?op|postpartum|smoke[\s-]free|out\s+from\s+(?:my\s+)?surgery)\b|\bpost-?op\s+day\s+\d+",
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:been|still)\s+(?:on|taking)\s+{MEDICATION}\b",
    r"\b(?:just\s+|recently\s+|finally\s+)?got\s+diagnosed\b|\b(?:was|were|got|been)\s+diagnosed\s+(?:with|at|in|last|this|when)\b",
    rf"\b(?:i|we|{MY_REL})\s+(?:keep\s+getting|keeps\s+getting|missed|forgot|skipped)\s+(?:(?!about\b|was\b|is\b|what\b|how\b|that\b|where\b)\w+\s+){{0,3}}(?:{CONDITION}|{MEDICATION}|doses?|utis?|infections?|nosebleeds?)\b",
    rf"\b(?:our|my)\s+{RELATIVE}\s+(?:is|has|had|was|gets|got|takes|snores|stops\s+breathing|can'?t|cannot|keeps|struggles|suffers|needs|uses|went|started)\b(?:\s+[\w'-]{{1,40}}){{0,4}}?\s+(?:{CONDITION}|{MEDICATION}|{PROCEDURE}|{SYMPTOM}|\d+\s+and\s+on|on\s+{MEDICATION})\b",
    # "I have/had/suffer from/live with <condition>"
    rf"\b(?:i|{MY_REL}|he|she)\s+(?:already\s+|also\s+|just\s+|recently\s+|once\s+|previously\s+|both\s+)?(?:have|has|had|got|get|gets|suffers?\s+(?:from|with)|suffered\s+(?:from|with)|struggles?\s+with|struggled\s+with|deal\s+with|deals\s+with|dealt\s+with|battled?|beat|survived|am\s+living\s+with|is\s+living\s+with|live\s+with|lives\s+with|am\s+recovering\s+from|is\s+recovering\s+from|'?m\s+recovering\s+from|passed\s+away\s+from|died\s+(?:of|from)|developed|caught|tested\s+positive\s+for|has\s+been\s+fighting|was\s+hospitali[sz]ed\s+(?:for|with))\s+(?!(?:read|heard|seen|learned|learnt|wondered|known|always|never|no|questions?|a\s+question|been\s+reading|been\s+wondering|friends?|people|someone|nothing|any)\b)(?:[\w'-]{{1,40}}\s+){{0,3}}?{CONDITION}\b",
    rf"\b(?:i'?ve|ive|i'?m|im|i\s+am|i\s+have|he'?s|she'?s|{MY_REL}\s+(?:is|has))\s+(?:had|got|been|a)?\s*(?:(?:a|an|the|type\s+\d|pre-?|borderline|severely|very|chronically|clinically)\s+)*(?:{CONDITION}|diabetic|asthmatic|epileptic|anemic|hypertensive|prediabetic|pre-?diabetic|bipolar|celiac|pregnant|in\s+remission|cancer[\s-]free|a\s+(?:cancer\s+)?survivor|on\s+dialysis|in\s+(?:the\s+)?hospital|in\s+hospice|in\s+icu)\b",
    # medication: "I'm on metformin", "I take 20mg", "my dad takes warfarin"
    rf"(?<!can\s)(?<!should\s)(?<!could\s)(?<!may\s)(?<!do\s)(?<!would\s)(?<!if\s)\b(?:i|{MY_REL}|he|she)\s*(?:'?m|am|is|was|'?ve\s+been|have\s+been|has\s+been|take|takes|took|started|start|stopped|quit|use|uses|inject|injects|was\s+put|got\s+put|was\s+prescribed|got\s+prescribed|am\s+prescribed|'?m\s+prescribed|switched\s+to|went\s+off|came\s+off|went\s+on|been\s+taking|'?ve\s+been\s+taking|am\s+taking|'?m\s+taking|is\s+taking)\s+(?:on\s+)?(?:(?:my|his|her|the|a|an|some|daily|\d+\s?(?:mg|mcg|units?|ml)|low[\s-]dose|high[\s-]dose)\s+)*(?:on\s+)?{MEDICATION}\b",
    rf"\b(?:i|{MY_REL})\s+(?:take|takes|am\s+on|'?m\s+on|is\s+on|was\s+on|inject)\s+\d+(?:\.\d+)?\s?(?:mg|mcg|units?|ml|iu)\b",
    r"\b(?:my\s+)?(?:doctor|dr\.?|doc|gp|pcp|cardiologist|endo|endocrinologist|oncologist|nurse|pharmacist|psychiatrist)\s+(?:just\s+)?(?:put\s+(?:me|him|her)\s+on|prescribed\s+(?:me|him|her)|started\s+(?:me|him|her)\s+on|took\s+(?:me|him|her)\s+off|upped\s+my|increased\s+my|lowered\s+my|doubled\s+my|changed\s+my|switched\s+(?:me|my)|diagnosed\s+(?:me|him|her)|told\s+(?:me|him|her)\s+(?:i|he|she)\s+(?:have|has|had|am|is|was|need|needs))",
    # results: "my A1C was 9.1", "my blood pressure is 150/95"
    rf"\bmy\s+(?:(?:{RELATIVE})'?s?\s+)?(?:last\s+|latest\s+|recent\s+|fasting\s+|morning\s+|current\s+|resting\s+|first\s+)?{RESULT}\s+(?:was|is|were|are|came\s+back|went\s+(?:up|down|from)|drops?|dropped|spiked|goes|gets|rose|jumped|climbed|has\s+been|have\s+been|keeps?|stays?|read|reads|showed|shows|at|of|hit|around|over|under|above|below|\d)",
    r"\b(?:a1c|hba1c|blood sugar|glucose|bp|blood pressure|cholesterol|ldl|psa|tsh|inr)\s+(?:of\s+|is\s+|was\s+|at\s+)?\d+(?:\.\d+)?(?:/\d+)?\s+(?:this|last|at\s+my|for\s+me|and\s+i|so\s+i)",
    # procedures of the writer or a relative
    rf"\b(?:i|{MY_REL}|he|she)\s+(?:had|have|has|got|am\s+having|'?m\s+having|is\s+having|just\s+had|recently\s+had|am\s+scheduled\s+for|'?m\s+scheduled\s+for|is\s+scheduled\s+for|go\s+in\s+for|goes\s+in\s+for|am\s+getting|'?m\s+getting|is\s+getting)\s+(?:(?:a|an|my|his|her|the|double|triple|total|partial|emergency|another|two|three|\w+)\s+){{0,3}}{PROCEDURE}\b",
    # symptoms of the writer or a relative
    rf"\bmy\s+(?:(?:{RELATIVE})'?s?\s+)?(?:[\w-]{{1,40}}\s+){{0,2}}?{BODY}\s+(?:hurts?|hurting|aches?|aching|is\s+(?:killing|bothering)\s+me|has\s+been\s+(?:killing|bothering|hurting)\s+me|(?:is|are|has\s+been|have\s+been|feels?)\s+(?:so\s+|really\s+|very\s+|still\s+|always\s+)?(?:swollen|numb|sore|red|itchy|painful|tender|stiff|weak|tight|bleeding|infected|bruised|blurry|on\s+fire|killing\s+me))\b",
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:been\s+|still\s+)?(?:struggling|dealing|living|diagnosed|battling|suffering|coping)\s+with\s+(?:(?:a|an|my|the|severe|chronic|bad|mild)\s+)?{CONDITION}\b",
    rf"\bmy\s+(?:(?:{RELATIVE})'?s?\s+)?(?:left\s+|right\s+|lower\s+|upper\s+|whole\s+)?{BODY}\s+(?:{SYMPTOM_VERB})\s*(?:(?:so|really|very|a\s+lot|all|constantly|still|been|kind\s+of|kinda|like|a\s+bit|pretty|super)\s+)*(?:{SYMPTOM}|hurts?|aches?|swollen|numb|sore|red|itchy|painful|bad|worse|off|weird|blurry|heavy|irregular|late|missing|bloody|black|dark)\b",
    rf"\b(?:i|i'?ve|ive|i'?m|im|{MY_REL}|he|she|he'?s|she'?s)\s+(?:have|has|had|get|gets|got|keep|keeps|am|is|was|been|feel|feels|felt|'?ve\s+been|have\s+been|has\s+been|keep\s+getting|started|start|experience|experienced|experiencing|having|getting|feeling|suffering\s+from)\s+(?:(?:been|having|getting|feeling|experiencing|a|an|some|these|this|the|really|very|so|constant|chronic|terrible|awful|bad|severe|mild|weird|random|frequent|daily|occasional|more|a\s+lot\s+of|lots\s+of|such)\s+)*{SYMPTOM}\b",
    r"\b(?:i'?m|im|i\s+am|i\s+was|i'?ve\s+been)\s+(?:\d+|twenty|thirty|\w+)\s+weeks?\s+(?:pregnant|postpartum|post-?op|out\s+from|since\s+my)",
    rf"\b(?:i|{MY_REL})\s+(?:weigh|weighs|weighed)\s+\d+",
    r"\b(?:been|now|i'?m|im|i\s+am|stayed|staying)\s+(?:clean\s+and\s+)?sober\s+(?:for\s+)?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|over|almost|nearly)\b",
    # indirect phrasing: the person is implied by a possessive, an apposition or a participle
    rf"\bmy\s+(?:(?:{RELATIVE})'?s?\s+)?(?:recent\s+|last\s+|first\s+|second\s+|new\s+|own\s+|double\s+|triple\s+|quadruple\s+|emergency\s+|\w+\s+)?(?:bypass|stent|stents|transplant|mastectomy|lumpectomy|hysterectomy|c-section|colonoscopy|endoscopy|knee\s+replacement|hip\s+replacement|heart\s+attack|stroke|pacemaker|defibrillator|icd|amputation|ostomy|colostomy|ileostomy|chemo|radiation|ivf|miscarriage|diagnosis|hospital\s+stay|hospital\s+bed|admission|relapse|overdose|seizures?|gastric\s+(?:sleeve|bypass)|lap\s+band|sleeve|\w+ectomy|\w+otomy|\w+oscopy|\w+plasty)\b",
    r"\b(?:got|came|went|just\s+got|finally\s+got)\s+(?:home|back|out|discharged)\s+(?:from\s+)?(?:the\s+)?(?:hospital|er|icu|rehab|surgery|psych\s+ward|detox)\b|\b(?:discharged|released)\s+from\s+(?:the\s+)?(?:hospital|icu|rehab)\s+(?:today|yesterday|last|this|on)\b",
    r"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:currently|now|still|finally|officially)\s+(?:in\s+remission|cancer[\s-]free|on\s+dialysis|pregnant|sober|in\s+recovery|in\s+(?:the\s+)?hospital|recovering|healing)\b",
    rf"\b(?:exactly\s+|just\s+)?what\s+(?:happened|is\s+happening|happens)\s+to\s+(?:me|us|{MY_REL}|my\s+late\s+{RELATIVE})\b",
    rf"\b(?:grandma|grandpa|granny|nana|mom|mum|dad|husband|wife|son|daughter|brother|sister|baby|aunt|uncle|(?-i:MIL|FIL|SIL|BIL))'s\s+(?:new\s+|recent\s+|latest\s+)?(?:hip|knee|pacemaker|heart|kidneys?|liver|lungs?|{CONDITION}|{PROCEDURE}|{MEDICATION_SPECIFIC})\b",
    rf"\b(?:as|speaking\s+as|being)\s+(?:someone|somebody|a\s+person|one|a\s+woman|a\s+man|a\s+mom|a\s+mum|a\s+dad|a\s+parent|an?\s+(?:\w+\s+)?\w+)\s+(?:with|who\s+has|who\s+had|who'?s\s+had|living\s+with|who\s+lives\s+with|recovering\s+from|who\s+survived)\s+(?:(?:a|an|the|severe|chronic|type\s+[12]|stage\s+\w+|\w+)\s+){{0,2}}{CONDITION}\b",
    r"\bas\s+(?:a|an)\s+(?:(?:type\s+[12]|t[12]|lifelong|former|recovering|\w+)\s+)?(?:diabetic|asthmatic|epileptic|celiac|coeliac|amputee|cancer\s+survivor|survivor|transplant\s+recipient|cancer\s+patient|heart\s+patient|dialysis\s+patient|kidney\s+patient|type\s+[12])\b",
    rf"\bhaving\s+(?:lived|dealt|struggled|battled|suffered|coped|grown\s+up)\s+with\s+(?:(?:a|an|the|severe|chronic|\w+)\s+){{0,2}}{CONDITION}\b",
    r"\bbeing\s+(?:a\s+)?(?:(?:type\s+[12]|\w+)\s+)?(?:diabetic|bipolar|asthmatic|epileptic|celiac|autistic|anemic|pre-?diabetic|hypertensive|deaf|blind|pregnant|a\s+survivor)\s+(?:myself|ourselves|too|as\s+well)\b|\b(?:diabetic|bipolar|asthmatic|epileptic|celiac|autistic|anemic|pre-?diabetic|pregnant)\s+myself\b",
    rf"\b(?:i|we|{MY_REL}|he|she)\s+(?:was|were|is|are)\s+born\s+(?:with|early|premature|prematurely|at\s+\d+\s+weeks)\b",
    r"\b(?:\w+\s+)?(?:years?|months?|weeks?|days?)\s+(?:post|after)[\s-]?(?:op|transplant|surgery|partum|chemo|stroke|treatment|diagnosis|heart\s+attack)\b",
    rf"\b(?:i|we|{MY_REL}|he|she)\s+(?:went|have\s+gone|'?ve\s+gone|am\s+going|'?m\s+going|is\s+going|are\s+going|was\s+going|been\s+going)\s+through\s+(?:(?:a|an|the|my|his|her|two|three|several|\w+)\s+){{0,2}}(?:chemo|chemotherapy|radiation|treatment|treatments|ivf|rehab|surgery|surgeries|dialysis|menopause|withdrawal|detox|{CONDITION})\b",
    r"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:just\s+|recently\s+|finally\s+|newly\s+)?diagnosed\s+(?:at\s+(?:age\s+)?\d+|with|in\s+(?:19|20)\d\d|last|this|when|two|three|a\s+(?:year|month|week))\b",
    rf"\bmy\s+(?:(?:{RELATIVE})'?s?\s+)?(?:kidney|renal|liver|thyroid|blood|sugar|iron|heart|lung|white|red|platelet|cd4|t-cell|viral|hormone|vitamin\s+\w+|psa|a1c)\s+(?:numbers|levels?|labs|function|results|counts?|tests?|readings|values|load)\b",
    r"\bi\s+(?:lost|gained)\s+\d+\s*(?:lbs?|pounds|kg|kilos)\b"
    # "3 months in, down 20 lbs", "i'm up 15 pounds since the pill"
    r"|(?:(?:(?<![\w\s,'])|(?<=[.!?,]\s))|\b(?:i'?m|im|i\s+am|now|and|but|already|so\s+far)\s+)(?:down|up)\s+\d+\s*(?:lbs?|pounds|kg|kilos|stone)\b",
    rf"\b{MY_REL}\s+(?:passed\s+away|passed\s+(?:on|in|at|last|peacefully)\b|died|is\s+dying|was\s+hospitali[sz]ed|is\s+in\s+(?:the\s+)?(?:hospital|icu|hospice|rehab)|is\s+on\s+(?:oxygen|dialysis|a\s+ventilator))",
    r"\b(?:as\s+a|i'?m\s+a|i\s+am\s+a)\s+(?:type\s+[12]\s+)?(?:diabetic|cancer\s+survivor|breast\s+cancer\s+survivor|survivor|heart\s+patient|transplant\s+(?:patient|recipient)|t1d|t2d|celiac|asthmatic|epileptic|recovering\s+alcoholic|recovering\s+addict)\b",
    # forum shorthand: "post-hysterectomy here", "T2 here", "back pain guy here", "IBS girl here"
    rf"\bpost[\s-]?(?:op|surgery|partum|stroke|transplant|chemo|c-?section|\w+ectomy|\w+plasty|\w+otomy)\s+(?:(?:mama|mum|mom|dad|girl|guy|lady|gal|patient|person)\s+)?here\b|\b(?:type\s?[12]|t[12]d?|diabetic|asthmatic|epileptic|celiac|coeliac|bipolar|pre-?diabetic|insulin[\s-]dependent)\s+here\b|\b(?:{CONDITION}|coeliac|endo)\s+(?:guy|gal|girl|lady|man|woman|mom|mum|mama|dad|patient|sufferer|warrior|survivor|runner|lifter|cyclist|athlete|gran|grandma|grandpa|nurse|teacher)\s+here\b"
    rf"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:stage\s+\w+|type\s?[12]|chronic|severe)\s+(?:{CONDITION}|endo)\s+here\b",
    # a sentence that opens on the writer's own condition or history, subject left out: "Gestational
    # diabetic this time round", "3 weeks out from ACL surgery", "Three miscarriages and …"
    r"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:gestational|type\s?[12]|t[12]d?|pre-?|newly|lifelong|insulin[\s-]dependent)\s*(?:diabetic|asthmatic|epileptic)\b"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:\d+|a|one|two|three|four|five|six|a\s+few)\s+(?:days?|weeks?|months?|wks?)\s+(?:out\s+from|post-?op\s+from|after|since)\s+(?:my\s+|an?\s+|the\s+)?(?:[\w-]{1,40}\s+){0,2}(?:surgery|op|operation|replacement|repair|reconstruction|transplant|bypass|c-?section|\w+ectomy|\w+plasty)\b"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:two|three|four|five|six|\d+)\s+(?:miscarriages|surgeries|operations|strokes|heart\s+attacks|c-?sections|concussions|rounds\s+of\s+(?:chemo|ivf|iui|radiation|letrozole|clomid|femara|injectables|stims)|knee\s+surgeries|back\s+surgeries)\b",
    # sixteenth round, a sentence (or "Teacher here, …") that opens on the writer's history with the subject left
    # out: "Had septoplasty plus turbinate reduction last winter", "had vocal nodules twice", "Got the Inspire
    # implant", "Gave birth in october", "ectopic in 2021, lost a tube", "Blighted ovum last spring", "Reading this
    # at 31 weeks"
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s)|(?<=\bhere,\s))(?:i\s+)?(?:just\s+|recently\s+|also\s+)?had\s+(?!no\b|any\b|nothing\b|my\s+doubts|doubts|questions?\b|a\s+question|an?\s+idea|fun\b|time\b)(?:(?:a|an|my|both|two|three|bad|severe|\w+)\s+){{0,3}}?(?:{CONDITION}|\w+(?:ectomy|plasty|otomy|oscopy)|{PROCEDURE})\b(?!\s+(?:shots?|jabs?|vaccines?|questions?|awareness))"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s)|(?<=\bhere,\s))(?:i\s+)?(?:just\s+|finally\s+)?got\s+(?:(?:a|an|my|the|both|new)\s+)?(?:\w+\s+)?(?:implant|pacemaker|stent|iud|cpap|hearing\s+aids?|ear\s+tubes|\w+(?:ectomy|plasty|otomy))\b"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:i\s+)?gave\s+birth\b|\bi\s+(?:just\s+)?gave\s+birth\b|\b(?:i|we|she)\s+(?:finally\s+|just\s+)?got\s+pregnant\b|(?:(?<![\w\s,'])|(?<=[.!?]\s))got\s+pregnant\b"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:an?\s+|my\s+)?(?:ectopic|blighted\s+ovum|miscarriage|missed\s+miscarriage|mmc|chemical\s+pregnancy|molar\s+pregnancy|stillbirth|retained\s+placenta)\b(?=\s*(?:,|in\s+(?:19|20)\d\d|in\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|the\s+(?:spring|summer|fall|autumn|winter)|spring|summer|fall|autumn|winter)|at\s+\d|last\b|this\s+(?:year|spring|summer|fall|autumn|winter|time)|back\s+in\b|twice\b|\d))"
    r"|\b(?:(?:i|we)\s+)?lost\s+(?:a|my|one|both|the|our)\s+(?:tube|tubes|ovary|ovaries|baby|pregnancy|twins)\b"
    r"|\b(?:reading|writing|here|me|i'?m|im|currently)\s+(?:this\s+)?at\s+\d{1,2}(?:\+\d)?\s*(?:weeks|wks)\b"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s))\d{1,2}(?:\+\d)?\s*(?:weeks|wks)\s+(?:pregnant|along)\b",
    # seventeenth round, subject-less again: "Recurrent UTIs for years", "Erectile issues at 35 was the most
    # humiliating thing", "IBS flare number 4", "UC flare", "Stroke survivor.", "Brain injury survivor (car
    # accident)", "Turned out to be blood pressure + anxiety"; "28M with IBS-C"; "still passing stones"
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:(?:recurrent|chronic|constant|frequent|bad|severe|monthly|yearly|[\w-]+)\s+){{0,2}}?(?:{CONDITION})(?:\s+stage\s+\w+)?\s+(?:for\s+(?:years|months|decades|ages|(?:\d+|two|three|four|five|six|ten|twenty)\s+(?:years|yrs|months))(?!\s+(?:can|could|may|might|will|would|is|are|raises?|increases?|leads?|causes?|damages?)\b)|since\s+(?:i\s+was|(?:19|20)\d\d|childhood|my\s+(?:teens|twenties|20s))|at\s+\d{{2}}\b(?!\s+(?:is|are|isn'?t|aren'?t|becoming|seems?|can|could|would)\b))"
    rf"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:[\w'-]+\s+)?(?:{CONDITION}|(?-i:UC))\s+flare(?:[\s-]?ups?|s)?\b(?!\s+(?:triggers?|is|are|can|happens?)\b)"
    rf"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:[\w'-]+\s+)?(?:{CONDITION}|sepsis|icu|burn|suicide\s+attempt)\s+survivor\b(?!s)"
    rf"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:it\s+)?turned\s+out\s+(?:to\s+be|it\s+was|i\s+had|to\s+have\s+been)\s+(?:just\s+)?(?:an?\s+|my\s+)?(?:[\w-]+\s+){{0,2}}?(?:{CONDITION})\b"
    r"|(?<![\w./-])(?:\d{2}\s?[MFmf]|[MF]\d{2})(?![\w/%])\s*,?\s+(?:with|w/|here\s+with|and\s+(?:i\s+)?(?:have|had|on|just|recently))\b"
    r"|\b(?:still|keeps?|kept|been|i'?m|i\s+am|he'?s|she'?s|is|was|just|finally)\s+pass(?:ing|ed)\s+(?:a\s+|another\s+|my\s+|his\s+|her\s+)?(?:kidney\s+)?stones?\b",
    # eighteenth round: "adhd + anxiety combo is so fun", "Selective mutism as a child", "Burnt out teacher here",
    # "Signed off with stress", "Heat exhaustion at a music festival got me once", "Food poisoning… put me in urgent
    # care", "the whole family had pounding headaches", "just put me on doxy for 3 weeks"
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:{CONDITION})\s*(?:\+|&|and)\s*(?:{CONDITION})\s+(?:combo|combination|life|gang|club|crew|brain)\b"
    rf"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:[\w-]+\s+){{0,2}}?(?:{CONDITION})\s+as\s+a\s+(?:child|kid|teen|teenager|baby|toddler)\b"
    r"|\bburn(?:t|ed)[\s-]?out\s+(?:\w+\s+)?(?:nurse|teacher|mom|mum|dad|parent|doctor|guy|gal|person|worker|medic|farmer)\s+here\b|\bsigned\s+off\s+(?:work\s+|sick\s+)?(?:with|for)\s+(?:stress|depression|anxiety|burnout)\b"
    rf"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:[\w-]+\s+){{0,2}}?(?:{CONDITION})\b[^.!?\n]{{0,60}}?\b(?:got|hit|took\s+(?:me\s+)?out|knocked|put|landed|sent)\s+me\b"
    rf"|\b(?:the\s+)?(?:whole\s+family|all\s+of\s+us|both\s+of\s+us|we\s+all)\s+(?:had|got|have|caught|came\s+down\s+with)\s+(?:\w+\s+){{0,2}}?(?:{CONDITION}|{SYMPTOM})\b"
    r"|\b(?:put|started|switched)\s+(?:me|him|her|us)\s+on\s+(?!(?:hold|the\s+list|a\s+(?:wait)?list|speaker|notice|the\s+phone|mute|the\s+schedule|a\s+plan|track)\b)[\w-]+\b(?=\s+(?:for\s+\d|for\s+(?:a|two|three|four|six|ten)\s+(?:days|weeks|months)|and\b|since\b|twice\b|once\b|yesterday\b|last\b|,|\.|$))",
    # subject-less injuries and courses of treatment: "tore my hamstring water skiing", "coming
    # off venlafaxine was hell", "Mirena user of 5 years", fertility and sexual-health shorthand
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:i\s+)?(?:tore|broke|sprained|strained|pulled|dislocated|fractured|ruptured|injured|blew\s+out|busted|wrecked|did)\s+my\s+(?:left\s+|right\s+|\w+\s+)?(?:{BODY}|hamstring|hammy|calf|achilles|acl|mcl|meniscus|rotator\s+cuff|labrum|groin|quad|glute|it\s+band|ankle|wrist|shoulder|knee|back|neck|hip|elbow|toe|finger|rib|ribs)\b"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:coming|came|getting|got|going|went)\s+off\s+(?:of\s+)?(?:my\s+)?[\w-]{1,40}\s+(?:was|has\s+been|made|gave|left|took)\b"
    r"|\b[\w-]{1,40}\s+user\s+(?:(?:of|for)\s+(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|many|several)\s+(?:years?|months?|yrs?)|since\s+(?:19|20)\d\d)\b"
    r"|\b\d+\s?dpo\b|\bmy\s+(?:ttc|ivf|fertility)\s+journey\b|\b(?:i\s+)?had\s+unprotected\s+sex\b|\bcondom\s+(?:broke|split|came\s+off)\b|\bmy\s+period\s+is\s+(?:\w+\s+)?late\b|\bbeta\s+(?:came\s+back|was|is)\s+(?:at\s+)?\d+",
    rf"\b(?:father|mother|brother|sister|son|daughter)\s+in\s+law,?\s+(?:he|she)\s+(?:is|was|has)\s+(?:having\s+|got\s+|had\s+)?(?:the\s+|a\s+)?(?:\w+\s+)?(?:{CONDITION}|problem|problems|trouble|issue)\b",
    # "had both knees done", "my wife has her knee scoped", "got my cataracts removed"
    r"\b(?:had|got|getting|having|has|have|gets)\s+(?:(?:my|both|her|his|their|a|an|the|two|new)\s+){1,2}(?:\w+\s+)?(?:knees?|hips?|shoulders?|eyes?|teeth|back|gallbladder|tonsils|appendix|cataracts?|bunions?|heart\s+valve|valve|stent|acl|meniscus|rotator\s+cuff|carpal\s+tunnel|wisdom\s+teeth)\s+(?:done|replaced|scoped|fixed|out|removed|repaired|operated\s+on|redone|drained|lasered)\b",
    # a sentence opening on the writer's procedure or medication, subject left out: "Had a
    # colonoscopy last week", "am on Mounjaro 7.5 and…"
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:just\s+|recently\s+|finally\s+)?had\s+(?:a|an|my|another)\s+(?:\w+\s+)?{PROCEDURE}\b"
    rf"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:am|currently|now)\s+on\s+{MEDICATION}\b",
    # "I'm 3 weeks out" (after an operation), "she's two days post-op"
    rf"\b(?:i'?m|im|i\s+am|she'?s|he'?s|{MY_REL}\s+is)\s+(?:\d+|a|one|two|three|four|five|six|a\s+few|few)\s+(?:days?|weeks?|months?|wks?)\s+(?:out|post-?op|post|after|into)\b",
    # "hubby's new hip", "my mother's new pacemaker"
    rf"\b(?:hubby|wifey|partner|fianc[eé]e?|boyfriend|girlfriend|kid|child|mother|father|grandmother|grandfather|mama|papa)'s\s+(?:new\s+|recent\s+|latest\s+)?(?:hip|knee|pacemaker|heart|kidneys?|liver|lungs?|{CONDITION}|{PROCEDURE}|{MEDICATION_SPECIFIC})\b",
    # treatment shorthand opening a sentence: "Port flush Thursday", "Chemo round 3 tomorrow",
    # "Lymphedema sleeve day 400-something", "Radiation week 2 done"
    r"(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:[\w-]{1,40}\s+){0,2}?(?:chemo|radiation|rads|infusion|immunotherapy|port|picc|dialysis|transfusion|treatment|sleeve|pump|sensor|cgm|injection|ivf|stim|tamoxifen|letrozole)\s+(?:flush|placement|out|removal|day|week|month|round|cycle|session|#)\s*(?:\d+|today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next|this|done|complete|finished)\b",
    # "Some of us are in treatment forever", "I'm still in active treatment"
    rf"\b(?:i'?m|im|i\s+am|we'?re|some\s+of\s+us\s+are|{MY_REL}\s+is|(?:he|she)'?s)\s+(?:still\s+|now\s+)?in\s+(?:active\s+)?treatment\b",
    # "Just had my 5-year check. Clear!", "my 6 month scan came back clear", "3 years NED"
    r"\bmy\s+(?:\d+|one|two|three|five|six|ten)[\s-]*(?:years?|months?|yr|mo)\s+(?:check|checkup|check-up|scan|scans|mammogram|follow-?up|review|bloods|labs)\b|\b(?:\d+|one|two|three|four|five|six|ten)\s+(?:years?|months?|yrs?)\s+(?:ned|no\s+evidence\s+of\s+disease|clear|in\s+the\s+clear)\b|\bscans?\s+(?:were|was|came\s+back|is|are)\s+(?:all\s+)?clear\b",
    # "diagnosed tuesday", "diagnosed yesterday, scared"
    r"(?:(?<![\w\s,'])|(?<=[.!?,]\s))(?:just\s+|only\s+)?diagnosed\s+(?:yesterday|today|on\s+\w+day|monday|tuesday|wednesday|thursday|friday|saturday|sunday|last\s+\w+)\b",
    # "Would love to meet other type 1s", "other survivors here get it"
    r"\bother\s+(?:fellow\s+)?(?:type\s?[12]s|t[12]ds?|diabetics|survivors|cancer\s+patients|amputees|ostomates|heart\s+patients|dialysis\s+patients|transplant\s+recipients|endo\s+warriors|spoonies)\b",
    # diabetes shorthand: "treating a low", "went low overnight", "running high all day"
    r"\b(?:treating|treated|had|having|caught|fighting|chasing)\s+(?:a\s+)?(?:low|lows|hypo|hypos|high|highs)\b(?!\s+(?:bar|standard|price|cost|opinion|level\s+of))|\b(?:went|going|gone|running|ran|been|was|i'?m)\s+(?:low|high)\s+(?:all\s+(?:day|night)|overnight|again|since|at\s+\d|every\s+\w+)\b",
    # smoking and drinking history: "I smoked for 30 years", "I quit smoking in 2020"
    r"\bi\s+(?:smoked|used\s+to\s+smoke|quit\s+smoking|stopped\s+smoking|still\s+smoke|smoke\s+(?:a\s+pack|\d+|about|around)|vape\s+(?:every|daily|a\s+lot)|was\s+a\s+(?:heavy\s+)?smoker|'?m\s+a\s+(?:heavy\s+|former\s+|ex-?)?smoker)\b",
    # Spanish-speaking families on US practices' pages: "Mi mamá tiene diabetes", "tengo presión alta"
    r"\bmi\s+(?:mam[aá]|pap[aá]|madre|padre|hij[oa]|espos[oa]|herman[oa]|abuel[oa]|beb[eé])\s+(?:tiene|tuvo|sufre|toma|est[aá]\s+(?:enferm[oa]|embarazada|en\s+el\s+hospital))\b|\b(?:tengo|tuve|sufro\s+de|tomo|estoy\s+embarazada|me\s+diagnosticaron)\b",
    # "As a Deaf person", "as a wheelchair user", "being blind"
    r"\b(?:as|being)\s+(?:a|an)\s+(?:deaf|blind|disabled|hard\s+of\s+hearing|autistic|wheelchair\s+user|amputee)\b(?:\s+(?:person|woman|man|mum|mom|dad|adult|parent))?",
    # injuries mid-sentence: "when I sprained my ankle", "my son broke his wrist"
    rf"\b(?:i|{MY_REL}|he|she)\s+(?:tore|broke|sprained|strained|pulled|dislocated|fractured|ruptured|injured|blew\s+out|busted)\s+(?:my|his|her)\s+(?:left\s+|right\s+|\w+\s+)?(?:{BODY}|hamstring|calf|achilles|acl|mcl|meniscus|rotator\s+cuff|groin|ankle|wrist|shoulder|knee|back|neck|hip|elbow|toe|finger|rib|ribs|arm|leg|foot|nose|collarbone|tailbone)\b",
    # pregnancy without the word: "Just found out I'm expecting!", "pregnant with #3", "we're expecting our first"
    rf"\b(?:i'?m|im|i\s+am|we'?re|we\s+are|she'?s|{MY_REL}\s+is)\s+(?:\w+\s+)?expecting(?=\s*(?:[.!,?\U0001F300-\U0001FAFF]|$)|\s+(?:a\s+(?:baby|boy|girl|rainbow)|our|my|twins|again|baby|number|no\.?\s*\d|#\d|in\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|the\s+(?:spring|summer|fall|autumn|winter))))"
    r"|(?:(?<![\w\s,'])|(?<=[.!?]\s))(?:currently\s+|now\s+)?pregnant\s+with\s+(?:#\s?\d|number|baby|twins|our|my|\w+\s+(?:baby|child|kid))",
    # "my son is in recovery from fentanyl", "I'm two years in recovery"
    rf"\b(?:i'?m|im|i\s+am|i'?ve\s+been|(?:he|she)'?s|(?:he|she)\s+is|{MY_REL}\s+(?:is|has\s+been))\s+(?:(?:\w+\s+){{1,2}})?in\s+recovery\b",
    # a sentence opening on a course of a drug: "on accutane month 4 and my lips…"
    rf"(?:(?<![\w\s,'])|(?<=[.!?]\s))on\s+{MEDICATION}\s+(?:(?:month|week|day|year)\s+\d+|for\s+(?:\d+|a|an|one|two|three|four|five|six|several|many|over)\b|since\b)",
    # "Living kidney donor here (gave one to my sister)", "I donated a kidney"
    r"\b(?:living\s+)?(?:kidney|liver|bone\s+marrow|stem\s+cell|organ)\s+donor\s+here\b|\b(?:i|we)\s+(?:donated|gave)\s+(?:a|my|one|half\s+my|part\s+of\s+my)\s+(?:kidney|liver|bone\s+marrow)\b",
]

# --- advice requests ----------------------------------------------------------------------
_ACTION = r"(?:stop|start|quit|take|keep|skip|switch|change|increase|decrease|lower|raise|double|halve|cut|reduce|up\s+(?:my|the|his|her)|try|use|continue|go|get|see|call|ask|worry|be\s+worried|be\s+concerned|be\s+scared|wait|push|demand|eat|drink|avoid|exercise|fast|come\s+off|go\s+off|wean|split|crush|mix|combine|give|let|have|add|drop|stay\s+on|go\s+back\s+on|restart|resume|delay|postpone|refuse|decline)"
_ADVICE = [
    rf"\bshould\s+(?:i|we|{MY_REL}|he|she)\b(?:\s+\w+){{0,2}}",
    r"\b(?:do|would|will|could)\s+(?:you|u)\s+(?:think|recommend|suggest|advise|say)\s+(?:that\s+)?(?:i|we|my|he|she|it)\b",
    rf"\b(?:can|could|may|do|does|would|is\s+it\s+(?:ok|okay|safe|fine|bad|dangerous|possible|normal|alright|wise|smart)\s+(?:for|if))\s+(?:i|me|we|{MY_REL}|my\s+(?:\w+\s+)?{RELATIVE}|he|she)\s+(?:\w+\s+)?(?:safely\s+)?(?:{_ACTION}|need|have\s+to|still|drink|eat|fly|travel|exercise|lift|drive|breastfeed|get\s+pregnant|mix)\b"
    # ...but not the practice's logistics: "do we need to book now?", "can I bring the form in?"
    r"(?!\s+(?:to\s+)?(?:book|schedule|reschedule|bring|register|pre-?register|sign\s+up|fill|call\s+ahead|pay|park|print|email|fax|the\s+form|a\s+form|(?:your|the|a\s+copy\s+of\s+(?:your|the))\s+(?:[\w-]{1,40}\s+)?(?:leaflets?|materials|forms?|brochures?|handouts?|info|information|newsletter|guide)\b|a\s+referral\s+(?:to|for)\s+(?:see|book|visit|get|a|an)|an?\s+appointment\s+(?:for|to)\s+(?:a\s+)?(?:sports|school|camp|work|dot)\s+physical"
    # ...nor a request for more content: "can we get a part 2 on sleep apnea?"
    r"|(?:a|an|more|another)\s+(?:part|video|post|series|episode|follow-?up\s+(?:video|post|thread)|thread|article|explainer|deep[\s-]dive|breakdown|q&a|ama)\b))",
    r"\bis\s+(?:it|this|that)\s+(?:normal|ok|okay|serious|bad|dangerous|something\s+to\s+worry\s+about|a\s+problem|concerning|cancer|a\s+sign|worrying|safe)\s+(?:for\s+(?:me|my|him|her|someone\s+(?:like\s+me|my\s+age|with\s+my|in\s+my))|that\s+(?:i|my)|if\s+(?:i|my)|to\s+(?:have|feel|get)\s+(?:this|these|my|it))",
    r"\b(?:is|are|was)\s+(?:this|that|it|these)\s+(?:normal|ok|okay|serious|bad|dangerous|concerning)\s+(?:for\s+me|for\s+my|in\s+my\s+case|given\s+my)\b",
    rf"\bis\s+my\s+(?:(?:{RELATIVE})'?s?\s+)?(?:\w+\s+){{0,2}}(?:normal|ok|okay|too\s+(?:high|low)|high|low|bad|good|dangerous|serious|safe|concerning|something|a\s+sign|cancer|enough)\b",
    rf"\b(?:what|which|how\s+much|how\s+many|how\s+often|how\s+long|when)\s+(?:\w+\s+){{0,4}}?(?:should|can|do|could|would|must|need)\s+(?:i|we|{MY_REL}|he|she)\b",
    r"\bwhat\s+(?:dose|dosage|amount|strength)\b(?:\s+\w+){0,4}\s+(?:for\s+me|should|for\s+my|do\s+i|would\s+you)",
    r"\bwhat\s+(?:does|do)\s+(?:it|this|that)\s+mean\s+(?:for\s+me|if\s+(?:i|my))|\bwhat\s+(?:does|do|did)\s+my\s+(?:\w+\s+){0,3}(?:mean|indicate|show|say)\b",
    rf"\b(?:do|did|does|could|might|would)\s+(?:i|{MY_REL}|he|she)\s+(?:\w+\s+)?(?:have|need|have\s+to|be\s+having|be\s+getting|qualify|get|require)\b(?=[^.!]*\?)"
    # ...but not the way in: "do I need a referral to see a genetic counselor?"
    r"(?!\s+(?:a\s+referral|an\s+appointment|to\s+(?:book|bring|register|fill|pay|call\s+ahead)|insurance|an\s+id))",
    rf"\b(?:could|might|can)\s+(?:this|that|it|these|my\s+\w+)\s+be\s+(?:a\s+|an\s+|the\s+)?(?:{CONDITION}|serious|something\s+serious|dangerous|the\s+reason|because|from|caused|related|why|a\s+sign|sign|symptom)\b",
    r"\b(?:any|some|your)\s+(?:advice|suggestions|recommendations|tips|thoughts|ideas)\s+(?:for\s+(?:me|my|someone\s+like\s+me)|on\s+(?:my|what\s+i|how\s+i|whether\s+i)|about\s+my|please|would\s+be)\b",
    r"\b(?:please|pls|plz)\s+(?:advise|help\s+me|tell\s+me\s+(?:what|if|whether|how))\b|\b(?:can|could)\s+(?:you|u|someone|anyone)\s+(?:please\s+)?(?:advise|tell\s+me\s+(?:if|whether|what|how)|help\s+me|look\s+at\s+my|explain\s+my|check\s+my|review\s+my|recommend\s+(?:\w+\s+){0,3}for\s+(?:me|my))\b",
    r"\b(?:does|do|could|would|can)\s+(?:this|that|it|these)\s+mean\s+(?:that\s+)?(?:i|i'?m|im|my|he|she|we)\b|\b(?:something|anything)\s+wrong\s+with\s+(?:me|my|him|her)\b",
    r"\b(?:i|we)\s+(?:want|need|would\s+like)\s+(?:to\s+know|advice|your\s+(?:opinion|advice))\s+(?:if|whether|what|how|about|on)\s+(?:i|my|we|he|she)\b",
    r"\b(?:i'?m|im|i\s+am)\s+(?:wondering|not\s+sure|unsure|confused|worried)\s+(?:if|whether|what|how|about)\s+(?:i|my|it'?s|this\s+is)\b(?=[^.!]*(?:\?|should|need|normal|ok|okay|safe))",
    r"\bhow\s+(?:do|can|should)\s+i\s+(?:know|tell)\s+if\s+(?:i|my)\b",
    r"\b(?:anything|something)\s+(?:i|we)\s+can\s+(?:do|take|try)\b",
    r"\b(?:what|which)\s+(?:\w+\s+){0,3}(?:would|do|could|should)\s+(?:you|u)\s+(?:recommend|suggest|advise)\s+for\s+(?:me|my|us|our|him|her)\b",
    r"\bam\s+i\s+(?:allowed|able|ok|okay|safe|supposed)\s+to\b",
    r"\bwhat\s+(?:else\s+)?(?:can|could|should)\s+(?:i|we)\s+(?:do|take|try|ask|eat)\b",
    # "does this apply to me?", "is surgery my only option now?"
    r"\b(?:does|would|could|will|should)\s+(?:this|that|it|any\s+of\s+this|the\s+(?:[\w-]+\s+){0,3}?(?:stuff|advice|rule|guidance|recommendation|part|bit))\s+(?:apply|work|help)\s+(?:to|for)\s+(?:me|my\s+\w+|us)\b|\bis\s+(?:\w+\s+){1,2}my\s+(?:only|best|last)\s+(?:option|choice|hope)\b",
    # "urgent care or wait til monday?", "is it worth it for me now", "why do my gums bleed…"
    r"\b(?:er|a&e|urgent\s+care|walk-?in|the\s+doctor|gp|911|ambulance|hospital)\s+or\s+(?:just\s+)?(?:wait|not|stay\s+home|sleep\s+it\s+off|ride\s+it\s+out)\b"
    r"|\bis\s+it\s+(?:still\s+)?worth\s+it\s+(?:for\s+(?:me|him|her|us|my\s+\w+)|at\s+my\s+age)\b"
    r"|^\W*why\s+(?:do|does|did|is|are|am|would|does)\s+(?:my|i|i'?m|im|me)\b",
]

# --- spam and promotion -------------------------------------------------------------------
_SPAM = [
    # recruiting and selling in the comments: "join my team", "be your own boss", "50 five-star
    # Google reviews delivered", "DM for pricing", "WhatsApp us now", "check my site"
    r"\bwe\s+buy\s+(?:homes|houses)\b|\bcash\s+for\s+your\s+(?:house|home|car|gold)\b|\bfree\s+(?:roof|roofing|inspection|estimate)\b|(?-i:\b[A-Z][a-z]+\s+(?:Roofing|Plumbing|Siding|Gutters)\b)|"
    r"\border\s+(?:from|at|on|via)\s+(?:www\.)?[a-z0-9-]+\.(?:com|in|net|co|shop|store|org|info|biz|uk)\b|\bour\s+(?:[\w-]{1,40}\s+){0,3}(?:capsules|pills|supplements?|gummies|drops|tea|teas|oils?|creams?|serums?|powders?|tonics?)\s+(?:are|is|have|has|can|will|work)\b|\b(?:join\s+my\s+team|be\s+your\s+own\s+boss|earn\s+(?:a\s+)?commissions?|comment\s+['\"\u2018\u201c]?info\b|(?:five|5)[\s-]?star\s+(?:google\s+|yelp\s+)?reviews\s+(?:delivered|for\s+sale|guaranteed|in\s+\d+)|(?:buy|get)\s+(?:\d+\s+)?(?:verified\s+)?(?:google|yelp|real|5[\s-]?star)\s+reviews|dm\s+(?:me\s+|us\s+)?for\s+(?:bulk\s+|wholesale\s+)?(?:pricing|prices?|rates|details|info|more)|whats\s?app\s+(?:us|me)\b|check\s+(?:out\s+)?(?:my|our)\s+(?:site|website|page|profile)|all[\s-]inclusive\s+packages?)",
    r"\b(?:buy|order|purchase|shop)\s+(?:now|today|here|online|cheap|discount\w*|generic|real|original|without\s+(?:a\s+)?prescription|it\s+(?:here|now|at|from|on))\b",
    r"\b(?:working|work)\s+from\s+(?:home|your\s+phone)\b(?=[^.]*(?:\$|earn|made|make|income|profile|link|dm|click))|\b(?:cheap|discount(?:ed)?)\s+(?:\w+\s+)?(?:pills|meds|medications?|drugs|viagra|cialis|supplements?|deals?|rx|prescriptions?|generics?)|\b(?:no\s+prescription|(?<!over\s)(?<!pharmacy\s)(?<!counter\s)without\s+(?:a\s+)?prescription|rx\s+free|overnight\s+shipping|free\s+shipping|lowest\s+prices?|best\s+prices?|huge\s+discount|\d+%\s+off|limited\s+offer|limited\s+time|special\s+offer|act\s+now|order\s+now|click\s+here|click\s+(?:the|my)\s+link|(?:link|links|info)\s+in\s+(?:my\s+)?(?:bio|profile|description)|(?<!to\s)(?<!we\s)(?<!i\s)book\s+(?:online|now)(?:\s+today)?|visit\s+(?:my|our)\s+(?:site|website|page|store|shop|blog|channel)|check\s+out\s+my\s+(?:site|website|page|store|shop|blog|channel|profile|link)|subscribe\s+to\s+my|follow\s+me\s+(?:on|at)|dm\s+me|message\s+me\s+on\s+(?:whatsapp|telegram|instagram|ig)|whats\s?app\s*(?:me|us|orders?|only|\+\s?\d+|:|number|\d+)|telegram\s*[:@]|contact\s+(?:dr\.?\s+\w+|him|her|them|[\w.@-]*_[\w.@-]*)\s+(?:on|via|through|at)\s+(?:whatsapp|email|telegram|instagram|ig|facebook|tiktok)|i\s+want\s+to\s+testify|the\s+great\s+dr\.?\s+\w+|(?:call|text)\s+(?:now|today)\s+(?:at\s+|on\s+)?1?[-\s.]?\(?8(?:00|88|77|66|55|44|33)\)?)\b",
    r"(?<!take\s)(?<!taking\s)(?<!took\s)(?<!\ba\s)(?<!my\s)(?<!prescribed\s)\b(?:viagra|cialis|levitra)\b(?!\s+(?:with|and\s+my|while|if|after|before|for\s+my))|\b(?:kamagra|tramadol\s+online|xanax\s+online|oxy\w*\s+online|phentermine|(?<!\ba\s)casino|poker|slots?\s+online|betting|bet365|(?<!\ba\s)lottery|sweepstakes|(?<!inspiration\s)porn|xxx|escorts?|companionship\s+for\s+gentlemen|dating\s+site|hot\s+singles|replica|rolex|payday\s+loans?|loans?\s+(?:online|fast|approved)|fast\s+approval|no\s+collateral|(?:private|certified|ethical)\s+hackers?|hire\s+a\s+hacker|credit\s+repair|forex|crypto\w*|bitcoin|btc|ethereum|nft|binary\s+options?|trading\s+(?:platform|signals|account|expert)|investment\s+(?:platform|opportunity|plan)|passive\s+income|make\s+money|earn\s+(?:\$\s?\d[\d,.]*k?|money|cash|\d[\d,.]*k?)|\$\d[\d,]*\s+(?:a|per)\s+(?:day|week|month|hour)|work\s+from\s+home|wfh\s+job|mlm(?!\s+(?:spam|scheme|schemes|huns|posts|nonsense|bots|crap))|seo\s+(?:services?|expert|agency)|backlinks?|guest\s+posts?|link\s+building|rank\s+(?:#?1|higher|first)\s+on\s+google|increase\s+your\s+(?:traffic|rankings?)|web\s+traffic)\b",
    r"\b(?:miracle|secret|natural|herbal|100%\s+natural|guaranteed|proven|instant|permanent)\s+(?:cure|remedy|treatment|solution|pills?|formula|supplement|weight\s+loss|fat\s+burner|herbs?)\b|\b(?:cured|cure|reverse[sd]?|eliminate[sd]?|got\s+rid\s+of|heal(?:ed|s)?)\s+(?:my\s+|your\s+|his\s+|her\s+)?(?:diabetes|cancer|herpes|hiv|hpv|arthritis|high\s+blood\s+pressure|hypertension|it|them)\s+(?:in\s+(?:just\s+)?\d+\s+(?:days?|weeks?)|naturally|permanently|for\s+good|completely|with\s+(?:this|these|his|her|dr\.?\s*\w+|herbs?|herbal))\b|\bdr\.?\s+\w+\s+(?:herbal|spell|remedy|medicine)|\b(?:cured|healed)\s+(?:my|his|her)\s+(?:[\w'-]{1,40}\s+){1,6}?with\s+(?:(?:his|her|the|natural|herbal)\s+)?(?:roots|herbs|herbal|remedies|medicine)\b|\bspell\s*caster\b|\bherbal\s+(?:doctor|medicine|remedy|cure)\b",
    # marketing cues that are spam whatever the product: scarcity, secret formulas, paid-for help
    r"\blimited\s+(?:bottles|stock|supply|spots|quantities|units|time\s+only)\b|\b(?:only\s+)?\d+\s+(?:bottles|spots|units)\s+left\b|\b(?:bottles|spots|stock)\s+(?:are\s+)?(?:left|running\s+out|selling\s+out)\b"
    r"|\b(?:ancient|himalayan|amazonian|tibetan|japanese|secret|forgotten|banned|hidden)\s+(?:\w+\s+){0,3}(?:formula|ritual|trick|tonic|hack|discovery)\b"
    r"|\bdoctors\s+(?:hate|don'?t\s+want\s+you\s+to\s+know)\b|\bone\s+(?:weird|simple|strange)\s+trick\b|\bstop\s+wasting\s+(?:your\s+)?money\s+on\b"
    r"|\b(?:essay|assignment|homework|thesis)\s+(?:writing|help)\b|\bbuy\s+(?:\w+\s+)?(?:followers|likes|views|reviews)\b"
    # paid work out of nowhere, with pay, an application link or no experience asked: "We're hiring remote medical
    # reviewers! $45/hr, apply via the link", "Hiring dental assistants!! no experience needed", "hiring remote PTs,
    # $90/hr, apply at …"; "Get paid $50 per review", brand ambassadors, patient recruiters "per referral"
    r"|(?:\b(?:we'?re|we\s+are|now|currently)\s+|^\W*(?:now\s+)?)hiring\b(?=[^\n]{0,200}?(?:\$|\bapply\b|\blink\b|\bprofile\b|\bdm\b|\bremote\b|from\s+home|whats\s?app|telegram|/\s*h(?:ou)?r\b|no\s+experience))"
    r"|\bhiring\b(?=[^\n]{0,120}?(?:\$\s?\d+\s*/\s*h(?:ou)?r|\bapply\s+(?:at|via|through|here|now)))"
    r"|\bno\s+experience\s+(?:needed|necessary|required)\b|\bearn\s+while\s+(?:u|you)\s+learn\b"
    r"|\bbrand\s+ambassadors?\b|\blooking\s+for\s+(?:ambassadors|affiliates|influencers|reps)\b"
    # pen-friends, selling one's leftover prescription, "Book a free discovery call", a cheap pharmacy that "never asks
    # questions", local SEO and free audits, "rankmyclinic-pro dot com", "Verify your insurance in 2 minutes", "my ebook
    # shows you how", a payment handle under a plea ("PayPal: …", "send through cashapp"), "No doctor, no questions",
    # "Text CLAIMS to 555-0143", "no fee unless we win", "1-800-LEJEUNE", "Download now!!!", "Boost your rating",
    # "$MEDX token… 100x", and the same offers in Spanish ("Trabaja desde casa y gana $500", "cupos limitados")
    r"|\bget\s+paid\s+(?:\$\s?\d[\d,.]*|to\b)|\bapply\s+(?:via|through|using|at)\s+(?:the\s+)?link\b|\bi\s+(?:like|love)\s+your\s+profile\b|\bserious\s+(?:friendship|relationship)\b|^\W*hello\s+dear\b"
    r"|\bper\s+referral\b|\bpatient\s+recruiters?\b|\blocal\s+seo\b|\bfree\s+(?:seo\s+|website\s+)?audit\b|\b[a-z0-9-]{3,}\s+dot\s+(?:com|net|org|shop|store)\b|\bverify\s+your\s+(?:insurance|coverage|benefits)\b"
    r"|\bmy\s+(?:e-?book|course|program|programme|guide)\s+(?:shows|teaches|reveals)\b|\b(?:paypal|cash\s?app|venmo|zelle)\s*(?::|\$|@|\.me/)|\bsend\s+(?:it\s+|anything\s+)?(?:through|via|on)\s+(?:paypal|cash\s?app|venmo|zelle)\b"
    r"|\bselling\s+(?:my\s+)?(?:leftover|extra|spare|unused)\b|\btrabaj[ae]\s+desde\s+(?:casa|tu\s+casa)\b|\bdesde\s+tu\s+casa\b|\bgana\s+(?:\$\s?\d+|dinero|comisiones)|\bmánda(?:me|nos)\s+(?:un\s+)?inbox\b"
    r"|\bcupos\s+limitados\b|\bllama\s+ya\b|\blimpias\s+y\s+curaciones\b|\bcuraciones\s+espirituales\b|\bpor\s+sesión\b|\bgreen\s+card\s+fast\b|\b100\s?%\s+approval\b|\bse\s+buscan\s+(?:señoras|personas|vendedoras)\b"
    r"|\bno\s+(?:doctor|rx|script)\s*(?:needed|required|,|\.|!)|\btext\s+[A-Z]{3,}\s+to\s+\d[\d-]*|\bno\s+fee\s+unless\s+we\s+win\b|\b1-8\d\d-[A-Z]{4,}\b"
    r"|\bdownload\s+(?:it\s+|the\s+app\s+)?now\b|\bboost\s+your\s+(?:rating|ratings|reviews|ranking)\b|\$[A-Z]{3,}\s+(?:token|coin)\b|\b\d{2,}x\s+(?:incoming|gains?|returns?)\b"
    # sixteenth round: "Comment OIL and I'll send you info", "just started with Young Living", "tell them I sent
    # you", "Single dads in your area want to meet you", "first session FREE"
    r"|\bcomment\s+['\"\u2018\u201c]?(?-i:[A-Z]{2,})['\"\u2019\u201d]?\s+(?:and|&)\s+(?:i'?ll|i\s+will|we'?ll|we\s+will)\s+(?:send|dm|message|inbox)\b"
    r"|\b(?:started|joined|signed\s+up|partnered)\s+(?:up\s+)?(?:with\s+)?(?:young\s+living|doterra|do\s+terra|arbonne|herbalife|monat|plexus|isagenix|it\s+works)\b"
    r"|\btell\s+(?:them|her|him)\s+(?:i|we)\s+sent\s+(?:you|ya)\b|\b(?:singles|single\s+(?:moms|mums|dads|women|men|ladies|guys)|hot\s+(?:moms|girls|guys|women))\s+in\s+your\s+area\b|\bclick\s+(?:on\s+)?my\s+profile\b"
    r"|\bfirst\s+(?:session|visit|consult\w*|class|lesson|month)\s+(?:is\s+)?(?-i:FREE)\b|\bfirst\s+(?:session|consult\w*|class|lesson)\s+(?:is\s+)?free\b(?=[^\n]{0,120}?(?:\btext\b|\bcall\b|\bdm\b|\bbook\b|\d{3}\W?\d{4}))"
    r"|\b(?:cheap|fast|discreet|reliable|overnight)\b[^.\n]{0,40}\bnever\s+asks?\s+(?:any\s+)?questions\b|\bbook\s+(?:a|your)\s+free\s+(?:\w+\s+)?(?:call|consult\w*|session|assessment|evaluation)\b"
    # seventeenth round: "Big pharma is hiding it. Buy the ebook", "our essential oil blend… Inbox for price list",
    # "We provide 10k real followers", "we erase debts in 7 days", "free gift card for the first 100 signups"
    r"|\bbig\s+pharma\s+(?:is|are|has\s+been|have\s+been|doesn'?t|don'?t)\s+(?:hiding|suppressing|burying|covering\s+up|want\s+you\s+to\s+know)\b|\bbuy\s+(?:the|my|our)\s+e-?book\b|\b(?:our|my)\s+(?:[\w-]+\s+){0,2}oil\s+blends?\b(?=[^\n]{0,120}?(?:\bprices?\b|\binbox\b|\bdm\b|\border\b|\bbuy\b|\$|no\s+meds|\bnaturally\b|\bcures?\b))"
    r"|\binbox\s+(?:me\s+|us\s+)?(?:for|4)\s+(?:the\s+)?(?:price|prices|pricing|price\s+list|details|info|orders?)\b|\bno\s+(?:meds|medication|drugs|pills)\s+needed\b"
    r"|\b(?:\d+k|\d[\d,]{2,})\s+(?:real\s+|active\s+|organic\s+|targeted\s+)?(?:followers|likes|subscribers)\b|\bwe\s+(?:erase|eliminate|wipe\s+out|clear)\s+(?:your\s+)?(?:medical\s+)?debts?\b"
    r"|\bfree\s+gift\s+cards?\b|\bmeet\s+(?:local\s+|hot\s+|real\s+)?singles\b|\bprescribed\s+(?:in|within)\s+\d+\s+(?:minutes|mins)\b|\bno\s+waitlist,?\s+no\s+questions\b"
    r"|\benroll\s+(?:today|now)\b|\bcertified\s+[\w-]+\s+in\s+\d+\s+(?:days|weeks)\b|\bthank\s+me\s+later\b|\bjust\s+(?:search|google)\s+(?-i:[A-Z]\w+)\b|\bbest\s+cash\s+offers?\b"
    r"|\bwe\s+buy\s+(?:used\s+|junk\s+|old\s+|any\s+)?(?:[\w-]+\s+){0,2}(?:parts|cars|trucks|tractors|equipment|gold|scrap)\b|\bfor\s+the\s+first\s+\d+\s+(?:signups|sign-ups|customers|callers|buyers|people\s+to\s+sign\s+up)\b|(?-i:\bFREE\s+[Cc]onsult\w*)",
    r"\b(?:use|enter|apply)\s+(?:my\s+|the\s+)?(?:promo\s+|discount\s+|coupon\s+|referral\s+|affiliate\s+)?code\b|\b(?:promo|coupon|discount|referral|affiliate)\s+(?:code|link)\b|(?<!not\s)(?<!never\s)(?<!never\sdo\s)(?<!isn't\s)(?<!wasn't\s)(?<!\bno\s)\bsponsored\b|\bnot\s+sponsored\b(?=[^\n]{0,200}?(?:https?:|www\.|\.com\b|\.net\b|👉|\blink\b|\bdm\b))|\bi\s+(?:sell|am\s+selling|'?m\s+selling|distribute|represent)\b|\b(?:our|my)\s+(?:company|brand|product|products|store|shop|clinic|supplement|program|course|app|e-?book|coaching|services?)\s+(?:offers?|sells?|has|can|will|helps?|is)\b",
]
_SHOP_URL = re.compile(r"(?:https?://|www\.)\S*?(?:(?<![a-z])(?:shop|store|buy|pharma|rx|pills?|meds|deals?|discount|cheap|casino|bet|loans?|crypto|coin|trade|invest|promo|sale|offer)|(?:shop|store|buy|pharma|rx|pills|meds|deals?|discount|cheap|casino|loans?|crypto|promo|sale|offer)(?![a-z]))\S*|\b\S+\.(?:shop|store|xyz|top|online|site|biz|ru|cn)\b", re.IGNORECASE)
_ANY_URL = re.compile(r"https?://\S+|www\.\S+|\b[a-z0-9-]+\.(?:com|net|org|info|biz|io|co|shop|store|xyz|top|online|site|ru|cn)\b(?:/\S*)?", re.IGNORECASE)
_REPUTABLE = re.compile(r"(?:nih\.gov|cdc\.gov|medlineplus\.gov|\.gov\b|\.edu\b|mayoclinic\.org|clevelandclinic\.org|who\.int|diabetes\.org|heart\.org|cancer\.org|cancer\.gov|nhs\.uk|hopkinsmedicine\.org|webmd\.com|wikipedia\.org|pubmed|ncbi\.nlm)", re.IGNORECASE)
_PROMOTION_LABELS = 5  # index of the first promotion pattern in _SPAM


_WORD = re.compile(r"\w+(?:'\w+)?")
# each label's patterns tried only at the word starts that can begin them (see lexicon.py)
_DISCLOSURE_LEXICON = _Lexicon(_DISCLOSURE)
_ADVICE_LEXICON = _Lexicon(_ADVICE)
def _closing(pattern: str, opening: int) -> int:
    """Index of the parenthesis closing the group opened at OPENING (escapes and classes skipped)."""
    depth, index, in_class = 0, opening, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _explode(patterns: list[str]) -> list[str]:
    """Split `\\b(?:a|b|…)\\b` patterns into one pattern per word, so the lexicon can dispatch each."""
    out: list[str] = []
    for pattern in patterns:
        if pattern.startswith(r"\b(?:") and pattern.endswith(r")\b") and _closing(pattern, 2) == len(pattern) - 3:
            out.extend(rf"\b(?:{alternative})\b" for alternative in _split_top_level(pattern[5:-3]))
        else:
            out.append(pattern)
    return out


_SPAM_LEXICON = _Lexicon(_explode(_SPAM[:_PROMOTION_LABELS]))
_PROMOTION_LEXICON = _Lexicon(_SPAM[_PROMOTION_LABELS:])
LEXICONS = (_DISCLOSURE_LEXICON, _ADVICE_LEXICON, _SPAM_LEXICON, _PROMOTION_LEXICON)
# earnings on offer ("$500 a day", "$5000 weekly", "$500/day"), not a price paid ("insulin costs $300 a month")
_MONEY = re.compile(
    r"\b(?:earn\w*|make|making|made|income|profit\w*|returns?)\s+(?:up\s+to\s+|over\s+|about\s+)?\$\s?\d[\d,]*(?:\.\d+)?k?"
    r"(?:\s*/\s*(?:day|week|month|hr|hour|wk)|\s+(?:a|per|every|each)\s+(?:day|week|month|hour)|\s+(?:daily|weekly|monthly))?"
    # what a country or a patient pays is no offer ("other countries pay $10 a vial"); pay by the day is
    r"|\b(?:paid|pays?)\s+(?:up\s+to\s+|over\s+|about\s+)?\$\s?\d[\d,]*(?:\.\d+)?k?(?:\s*/\s*(?:day|week|hr|hour|wk)|\s+(?:a|per|every|each)\s+(?:day|week|hour)|\s+(?:daily|weekly))"
    r"|\$\s?\d[\d,]*(?:\.\d+)?k?(?:\s*/\s*(?:day|week|wk)|\s+(?:a|per|every|each)\s+(?:day|week)|\s+(?:daily|weekly))\b(?=[^.]*\b(?:home|earn\w*|income|join|click|dm|link|profile|bitcoin|crypto|invest\w*)\b)",
    re.IGNORECASE,
)
# a promo code in capitals ("code HEAL20"); a shortened or chat-app link, with or without a scheme
# ("bit.ly/x", "https://t.me/x")
_PROMO_CODE = re.compile(r"\b(?i:code|coupon)\s*:?\s*[A-Z][A-Z0-9]{2,}\b")
_SHORT_LINK = re.compile(r"\b(?:bit\.ly|tinyurl\.com|goo\.gl|t\.me|wa\.me|cutt\.ly|rb\.gy|is\.gd|ow\.ly|shorturl\.at)/\S+", re.IGNORECASE)
# with a link that is not a trusted resource, an invitation to follow it is promotion ("Visit
# rankmedic.io", "order yours at …", "code HEAL"): the link alone is held as an identifier
_LINK_CUE = re.compile(r"\b(?:visit|order|buy|shop|book|click|sign\s+up|join|download|get\s+(?:yours|it|them|started)|we\s+(?:offer|provide|sell|rank|help))\b", re.IGNORECASE)
_URLISH = re.compile(r"https?:|www\.|\.(?:com|net|org|info|biz|io|co|shop|store|xyz|top|online|site|ru|cn)\b", re.IGNORECASE)
# third-person generic wording that a relative pattern can catch by accident ("he or she", "his or her")
# Fallback for disclosures the patterns above do not spell out ("Three years cancer free", "Me
# and my husband both have high blood pressure", "dad (78) has been confused since a new pill"):
# one sentence naming the writer or a relative *and* a health term, unless the writer is only
# reading, thinking or thanking ("I learned a lot about insulin resistance").
_SENTENCE_SPLIT = re.compile(r"[.!?\n]+")
# a sentence with its closing marks, as the classifier and the urgency gate read them
SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
# "me", not ME the illness ("ME/CFS", "the ME Association")
_ME = r"(?!(?-i:ME)\b(?:/|\s+(?:association|society|action|research|clinic|community|patients)))(?<!the\s)me"
_PERSON = re.compile(
    r"\b(?:i|i'?m|im|i'?ve|ive|i'?d|" + _ME + r"|my|mine|myself|we|our|(?-i:us|Us|DS|DD|DH|DW|LO))\b|\b(?:anyone|anybody|who)\s+else(?:'s|\s+(?:have|has|had|get|gets|got|on|taking|take|takes|deal|dealing|struggle|struggling|experience|suffer|suffering|with|checks?|wake|wakes|feel|feels|going\s+through))\b|^\s*(?:mom|mum|dad|hubby|husband|wife|son|daughter|grandma|grandpa|grandad|granddad|gran|nan|baby)\b",
    _FLAGS,
)
# a condition the vocabulary does not list, by its ending ("costochondritis", "neuropathy")
_MEDICAL_WORD = r"(?!(?:sym|tele)pathy\b|nostalgia\b|academia\b|osmosis\b|(?:homo|xeno|trans|islamo|techno|bi|fat)phobia\b)[a-z]{3,}(?:itis|osis|emia|pathy|algia|phobia)"
_HEALTH_TERM = re.compile(
    rf"\b(?:{CONDITION}|{MEDICATION}|{SYMPTOM}|diagnos\w*|post-?op|cancer[\s-]free|in\s+remission|surgery|operation|hospital|er|icu|chemo|biopsy|flare\w*|defect|stents?|bypass|transplant|ivf|sober|heart\s+attacks|strokes|seizures|miscarried|relapsed|overdosed|pacemaker|{_MEDICAL_WORD}|cancers|intoleran\w*|binge\s+eating|fung(?:al|us)|catheter|incontinen\w*|walker|wheelchair|hearing\s+aids?|dentures|memory\s+(?:loss|went|is\s+going|problems)|confusion(?!\s+(?:in|about|over|around|on|of|with|among)\b)|crutches|low\s+iron|in\s+recovery|concussion)\b",
    _FLAGS,
)
# Speaking from one's job: "as a nurse for 20 years I can say…", "I'm a pharmacist and I'd add…",
# "in my 20 years in emergency medicine", "22 years of general surgery"
_JOB_WORDING = (
    r"\b(?:as|i'?m|i\s+am|i\s+was|being)\s+(?:a|an)\s+(?:retired\s+|former\s+|registered\s+|practicing\s+|\w+\s+)?(?:(?:med|medical|nursing|pharmacy|dental)\s+student|geriatrician|clinician|obstetrician|optician|\w+ologist|\w+iatrist|nurse|pharmacist|doctor|physician|paramedic|emt|physio|physiotherapist|therapist|dietitian|dietician|nutritionist|midwife|pediatrician|surgeon|np|pa|cna|rn|lpn|caregiver|carer|researcher|scientist|epidemiologist|dentist|optometrist|chiropractor|medic)\b(?!\s+(?:with|who\s+has|who\s+had|living\s+with))"
    r"|\b(?:\d+|ten|fifteen|twenty|thirty|forty|many|several)\s+(?:\+\s+)?years?\s+(?:of|in|as\s+an?)\s+(?:\w+\s+)?(?:medicine|surgery|practice|nursing|pharmacy|primary\s+care|critical\s+care|intensive\s+care|pediatrics|paediatrics|psychiatry|radiology|oncology|cardiology|anesthesia|anaesthesia|obstetrics|obgyn|ob-gyn|dermatology|neurology|urology|orthopedics|orthopaedics|general\s+practice|family\s+practice|the\s+er|the\s+ed|the\s+icu|healthcare|health\s+care|practice)\b"
)
_ONLY_READING = re.compile(
    r"\b(?:i|we|i'?ve|i'?d|we'?ve|we'?d|i'?m)\s+(?:[\w']+\s+)?(?:learn\w*|understand\w*|read|reading|remember\w*|recall\w*|love[ds]?|lik\w+|enjoy\w*|appreciat\w*|think|thought|agree|disagree|wonder\w*|hope|wish|found|shar\w+|know|knew|had\s+no\s+idea|never\s+knew|heard|saw|watch\w*|want\s+to\s+(?:know|learn|understand)|would\s+love|'d\s+love|recommend|bookmark\w*|print\w*|sent|forward\w*|am\s+(?:glad|happy|grateful|so\s+glad)|was\s+surprised|teach|taught|study|studied|work|worked|volunteer\w*)\b"
    r"|^\s*(?:should|can|could|may|would|do|is\s+it\s+\w+\s+(?:for|if))\s+i\b(?!.*\b(?:my|our|me)\b)"
    r"|\b(?:my|our)\s+(?:book\s+club|class|students?|patients|clients|readers|community|church|school|team|group|friends|generation|profession|field|industry)\b"
    # speaking from one's job (see _JOB_WORDING)
    + "|" + _JOB_WORDING +
    r"|^\s*(?:sharing|shared|sending|sent|forwarding|forwarded|printing|printed|bookmarking|bookmarked|saving|saved|passing)\s+(?:this|it|that)?\s*(?:with|to|for|along)\b"
    r"|\bmy\s+(?:favou?rite|fave)\s+(?:part|section|bit|line|chart|graphic|paragraph|article|post|tip)\b"
    # a prescriber or pharmacist at work: "we can prescribe Paxlovid now", "I prescribe it daily"
    r"|\b(?:i|we)\s+(?:(?:can|could|cannot|can'?t|now|still|often|routinely|rarely|never|also)\s+)*(?:prescribe|prescribing|dispense|dispensing)\b"
    # venting about others: "I'm so tired of people acting like type 2 is a moral failing"
    r"|\b(?:i'?m|im|i\s+am)\s+(?:so\s+|really\s+|just\s+)?(?:tired|sick|fed\s+up)\s+of\s+(?:people|the|hearing|seeing|reading|everyone|being\s+told|all\s+the)\b"
    # a writer's project: "I'm writing a novel in which…"
    r"|\b(?:i'?m|i\s+am|we'?re)\s+(?:writing|researching|doing)\s+(?:a|an|my|our)\s+(?:\w+\s+)?(?:novel|book|story|screenplay|play|paper|article|project|report|thesis|dissertation|essay|presentation|assignment)\b"
    # "correct me if I'm wrong but…", "as my father used to say", "is wild to me"
    r"|\bcorrect\s+me\s+if\b|\b(?:i'?d|i\s+would|let\s+me)\s+(?:just\s+|also\s+)?add\b|\bas\s+my\s+\w+\s+(?:used\s+to\s+say|always\s+says?|would\s+say|says|said)\b"
    r"|\b(?:wild|crazy|strange|weird|interesting|insane|odd|obvious|clear|news|sense|surprising)\s+to\s+me\b|\bnew\s+(?:info|information)\s+(?:for|to)\s+me\b",
    _FLAGS,
)
_GENERIC_HEALTH = re.compile(r"^(?:condition|disease|disorder|illness|syndrome|symptoms?|pain|medicine|pills?|hospital|surgery|operation)$", _FLAGS)


@lru_cache(maxsize=1)
def drug_words() -> frozenset[str]:
    """Some 30,000 one-word drug names, generic and brand ("accutane", "propranolol", "zyrtec"):
    data/drugs.txt, written from the drug-named-entity-recognition package by
    `python -m bedside.screening.train drugs`. MEDICATION above lists the ones the patterns
    need by name; this list lets a sentence about the writer count any drug as a health term."""
    text = (resources.files("bedside.screening") / "data" / "drugs.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


_DRUG_TOKEN = re.compile(r"[a-z][a-z0-9-]{3,}", re.IGNORECASE)


# vaccines by brand: a vaccination alone discloses no condition ("if I already got the old Zostavax"), as
# "got my flu shot" does not (see CONDITION)
_VACCINE_BRANDS = frozenset(
    """
    adacel boostrix boostrix-ipv comirnaty spikevax novavax nuvaxovid fluzone fluad flublok flucelvax flumist afluria
    fluarix flulaval gardasil gardasil-9 pneumovax prevnar vaxneuvance capvaxive shingrix zostavax arexvy abrysvo mresvia
    heplisav engerix-b recombivax twinrix havrix vaqta menveo menactra menquadfi bexsero trumenba penbraya proquad
    priorix varivax rotateq rotarix pentacel pediarix vaxelis kinrix quadracel daptacel infanrix ipol typhim vivotif
    ixiaro imovax rabavert dengvaxia jynneos
    """.split()
)


def drugs_in(text: str) -> list[re.Match[str]]:
    """The words of TEXT that are drug names (see drug_words), vaccines left out."""
    drugs = drug_words()
    return [m for m in _DRUG_TOKEN.finditer(text) if m.group().lower() in drugs and m.group().lower() not in _VACCINE_BRANDS]


def only_reading(sentence: str) -> bool:
    """Whether the writer of SENTENCE speaks only as a reader, thinker or professional, or
    of a pet ("I learned a lot about insulin", "correct me if I'm wrong", "my cat has diabetes"),
    or reacts to the article with nothing of their own ("…actually made me feel calmer"; not
    "on my third round and this made me feel less crazy")."""
    return bool(_ONLY_READING.search(sentence) or _PET.search(sentence) or (_REACTION.search(sentence) and not _MY.search(sentence)))


def opens_with_job(text: str) -> bool:
    """Whether TEXT opens by naming the writer's profession ("Pharmacist perspective:", "ER nurse here.",
    "Reading this as a med student."): its "we" is then the profession's."""
    return _PROFESSIONAL_OPENING.match(text) is not None or _JOB.search(_SENTENCE_SPLIT.split(text, maxsplit=1)[0]) is not None


def speaks_from_job(text: str) -> bool:
    """Whether TEXT opens with the writer's profession ("Pharmacist perspective:", "In my 15 years
    in family medicine…", "As a nurse…") and names no relative of theirs, nothing of their own
    ("Retired NICU nurse. My own granddaughter was born at 27 weeks…") and no health term in a
    sentence about the writer."""
    if not opens_with_job(text) or _MY_RELATIVE.search(text) or _MY_OWN.search(text):
        return False
    # "ER doc. … I've been through two antidepressants": a professional's own health still counts
    for sentence in _SENTENCE_SPLIT.split(text):
        if _FIRST_SINGULAR.search(sentence) and (drugs_in(sentence) or any(not _GENERIC_HEALTH.match(m.group()) for m in _HEALTH_TERM.finditer(sentence))):
            return False
    return True


_JOB = re.compile(_JOB_WORDING, _FLAGS)
_MY_RELATIVE = re.compile(rf"\b{MY_REL}\b", _FLAGS)
_MY_OWN = re.compile(r"\bmy\s+own\b|\bmyself\b", _FLAGS)


_REACTION = re.compile(r"\bmade\s+me\s+(?:feel|think|realise|realize|laugh|cry|smile|want\s+to)\b", _FLAGS)
_MY = re.compile(r"\b(?:my|mine|myself)\b", _FLAGS)


# A comment that opens by naming the writer's profession ("Pharmacist perspective:", "Australian
# GP:", "ER nurse here.", "Retired cardiologist -"): its "we" and "our" are that profession's
_PROFESSIONAL_OPENING = re.compile(
    r"^\W*(?:\w+\s+){0,2}?(?:gp|pharmacist|nurse|np|rn|pa|md|physician|doctor|doc|surgeon|hospitalist|intensivist|internist|resident|attending|paramedic|emt|midwife|dietitian|physio|physiotherapist|\w+ologist|\w+iatrist|\w+ician)s?"
    r"\s*(?:here|perspective|pov|view|take|speaking|checking\s+in)?\s*(?:[:.\-\u2013\u2014,(]|\bhere\b)",
    _FLAGS,
)
_TOPIC_BEFORE = re.compile(
    r"\b(?:about|regarding|difference\s+between|explanation\s+of|comparison\s+of|(?:dissertation|thesis|essay|paper|project|report|novel|book|research|presentation|assignment|homework|course|lecture|talk|class"
    # "the bit on sodium and BP", "a part 2 on sleep apnea": a piece's topic
    r"|bit|part|section|thread|video|post|piece|episode|series|explainer|segment|part\s+(?:\d|two|three)"
    r"|article|blog|column|overview|summary|explanation|guide|infographic|podcast|webinar|review|stats|statistics|data|numbers|figures)\s+(?:on|into|about))\s+(?:the\s+)?(?:(?:[\w-]{1,40}\s+){0,2}[\w-]{1,40},?\s+(?:and|or|vs\.?|&)\s+|(?:(?!my\b|his\b|her\b|our\b|their\b)[\w-]{1,40}\s+){1,2})?$"
    # "microwaves don't give you cancer", "does stress cause shingles": a cause in general
    r"|\b(?:give|gives|giving|cause|causes|causing)\s+(?:you\s+|people\s+|kids\s+|anyone\s+|someone\s+)?$",
    _FLAGS,
)
_RELATIVE_WORD = re.compile(rf"\b{RELATIVE}\b", _FLAGS)
# "we" that lived something: "we had IVF", "we were told it was cancer", "we've been through chemo"
_WE_LIVED = re.compile(
    # ("are we just better at spotting it now?" asks about everyone)
    r"(?<!\bare\s)(?<!\bdo\s)(?<!\bcan\s)(?<!\bshould\s)(?<!\bwould\s)\b(?:we|we'?ve|we'?re|weve|were)\s+(?:\w+\s+)?(?:have|had|got|get|were|are|went|took|tried|found\s+out|lost|spent|struggled|dealt|been|did|started|stopped|switched|finally|just|both)\b"
    r"|\b(?:we|we'?ve|we'?re)\b(?=[^.!?]{0,80}?\b(?:diagnos\w*|told|prescribed|admitted|discharged)\b)|\b(?-i:us)\b(?=[^.!?]{0,80}?\b(?:told|diagnos\w*|prescribed)\b)|\bour\s+(?:own\s+)?(?:\w+\s+)?(?:diagnosis|results?|surgery|ivf|pregnancy|miscarriage|loss|treatment)\b",
    _FLAGS,
)
_FIRST_SINGULAR = re.compile(r"\b(?:i|i'?m|im|i'?ve|ive|i'?d|" + _ME + r"|my|mine|myself)\b", _FLAGS)
# set phrases whose "my" or "me" is nobody's health: "…change my mind", "my two cents", "oh my god", "the insulin
# price thing makes me so angry", "night sweats threads always scare me", "I get that the ER is expensive"
_IDIOM = re.compile(
    r"\bchange\s+my\s+mind\b|\b(?:gives?|gave|giving)\s+me\s+a\s+heart\s+attack\b|\b(?:gives?|gave|giving|got)\s+me\s+(?:the\s+)?(?:chills|goosebumps|shivers)\b|\b(?:makes?|made|making|gets?|got|drives?|drove)\s+me\s+(?:so\s+|really\s+|just\s+)?(?:angry|mad|furious|sad|crazy|nuts|laugh|cry|smile|rage|scream)\b|\b(?:always\s+|still\s+)?(?:scares?|terrif(?:y|ies)|freaks?)\s+me(?:\s+out)?\b|\bi\s+get\s+(?:that|why)\b|\bmy\s+(?:two|2)\s+cents\b|\bin\s+my\s+(?:humble\s+|honest\s+)?opinion\b|\boh\s+my\s+(?:god|gosh|word|days)\b|\bmy\s+(?:feed|timeline|fyp|for\s+you\s+page)\b|\b(?:blows?|blew|blowing)\s+my\s+mind\b|\bif\s+you\s+ask\s+me\b",
    _FLAGS,
)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _personal_health_sentences(text: str) -> list[tuple[int, int]]:
    """Spans from a person word to the first specific health term, one per qualifying sentence."""
    spans = []
    start = 0
    # "Reading this as a med student. we got about 1 hour on ME/CFS": the profession's "we"
    professional = opens_with_job(text)
    for boundary in [*_SENTENCE_SPLIT.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        sentence = text[start:end]
        # "my cat has diabetes lol": a pet's health is nobody's
        if sentence.strip() and not only_reading(sentence):
            # an idiom's "my" and quoted speech ("\"I see fine\" is exactly how glaucoma gets found too late")
            # name nobody: blanked out for the person search
            person = _PERSON.search(_QUOTED.sub(_blank, _IDIOM.sub(_blank, sentence)))
            # a "we" with no "I" and no relative is the profession's after a professional opening
            # ("We were filling prescriptions at a loss"), and otherwise everyone's ("can we
            # normalise dermatology referrals?", "the ER we designed") unless it lived something
            if (
                person and person.group().lower() in ("we", "our", "us")
                and not _FIRST_SINGULAR.search(sentence) and not _RELATIVE_WORD.search(sentence)
                and (professional or not _WE_LIVED.search(sentence))
            ):
                person = None
            if person:
                terms = [m for m in _HEALTH_TERM.finditer(sentence) if not _GENERIC_HEALTH.match(m.group())]
                terms = sorted(terms + drugs_in(sentence), key=lambda m: m.start())
                # "a letter about lice", "a talk regarding statins": a topic, not a case
                terms = [m for m in terms if not _TOPIC_BEFORE.search(sentence, max(0, m.start() - 40), m.start())]
                # "my last tetanus shot", "Tetanus shot done": a vaccination, no condition
                terms = [m for m in terms if not _VACCINATION_AFTER.match(sentence, m.end())]
                if terms:
                    lo = min(person.start(), terms[0].start())
                    hi = max(person.end(), terms[0].end())
                    spans.append((start + lo, start + hi))
        start = boundary.end() if boundary else len(text)
    return spans


# Questions that are advice requests when the comment also discloses something personal
# ("My A1C is 7.8, is that too high?", "My wife's sugar drops at night, what should we do?").
_CONTEXTUAL_ADVICE = re.compile(
    r"\b(?:is|are|was)\s+(?:that|this|it|these|those)\s+(?:too\s+(?:high|low|much)|high|low|normal|ok|okay|bad|dangerous|serious|concerning|safe|a\s+problem|something\s+to\s+worry\s+about|worrying|enough)\b"
    r"|\bwhat\s+(?:should|can|do)\s+(?:we|i)\s+do\b|\bwhat\s+(?:does|do)\s+(?:that|this|it)\s+mean\b|\bany\s+(?:advice|ideas|suggestions|tips)\b|\bwhat\s+do\s+you\s+(?:think|suggest|recommend)\b"
    r"|\b(?:does|do)\s+(?:that|this|it)\s+mean\b"
    r"|\b(?:is|could)\s+(?:that|this|it)\s+(?:be\s+)?(?:a\s+|an\s+)?(?:sign\s+of\s+)?[\w'-]{1,40}(?:\s+[\w'-]{1,40})?\s*\??\s*$"
    r"|\bis\s+it\s+too\s+(?:late|early|soon)\b|\bwhat\s+(?:helps|would\s+help|can\s+help)\b|\bwould\s+it\s+be\s+(?:ok|okay|safe|fine|bad|wise|better|dangerous|smart)\s+(?:to|for\s+me|if\s+i)\b|\bis\s+(?:that|this|it)\s+(?:a|an)\s+(?:side\s+effect|symptom|sign|reaction)\b",
    _FLAGS,
)
_PET = re.compile(
    r"(?:my|our|the)\s+(?:(?:old|young|little|senior|elderly|new|rescue|\d+[\s-]*(?:year|yr)[\s-]*old)\s+)?"
    r"(?:dogs?|cats?|pupp(?:y|ies)|pups?|kitt(?:en|y)s?|pets?|horses?|pony|parrots?|birds?|rabbits?|bunny|hamsters?|guinea\s+pigs?|vets?|veterinarian|"
    r"(?:golden\s+|labrador\s+)?retrievers?|labradors?|poodles?|terriers?|spaniels?|beagles?|bulldogs?|doodles?|huskies|husky|dachshunds?|german\s+shepherds?)\b",
    _FLAGS,
)
_VACCINATION_AFTER = re.compile(_VACCINATION, _FLAGS)  # "my last tetanus shot", as CONDITION reads it
_TOOK_BEFORE = re.compile(r"\b(?:i|we|he|she|they)\s+(?:took|used|tried|was\s+taking|were\s+taking)\b", _FLAGS)
_NO_IDEA = re.compile(r"i\s+had\s+no\s+(?:idea|clue)\b", _FLAGS)
_QUOTED = re.compile(r'"[^"\n]{1,200}"|\u201c[^\u201d\n]{1,200}\u201d')
_GENERIC = re.compile(r"\b(?:he\s+or\s+she|she\s+or\s+he|his\s+or\s+her|her\s+or\s+his|he/she|s/he|his/her)\b", _FLAGS)


# The practice's logistics: "do we have to sign a form?", "Do I need to re-register?", "Where can I drop off prizes for the raffle?"
_LOGISTICS = re.compile(
    r"\b(?:appointments?|appts?|re-?register\w*|register\w*|records?|file|forms?|sign\s+up|parking|park|opening\s+hours|hours|open|closed|portal|log\s*in|password|"
    r"raffle|prizes?|donat\w*|tickets?|volunteer\w*|fundrais\w*|new\s+site|old\s+site|new\s+clinic|same-day|waiting\s+list|"
    r"surveys?|reminders?|notifications?|newsletter|app|login|code|two-factor|2fa|school|sports\s+physicals?)\b",
    _FLAGS,
)


def _logistics(text: str, position: int) -> bool:
    """Whether the sentence at POSITION asks about the practice's logistics and names no health term or drug."""
    for sentence in SENTENCE.finditer(text):
        if sentence.start() <= position < sentence.end():
            part = sentence.group()
            return bool(_LOGISTICS.search(part)) and not _HEALTH_TERM.search(part) and not drugs_in(part)
    return False


def signals(text: str) -> list[tuple[str, int, int]]:
    """Return (label, start, end) spans for health_disclosure, advice_request, spam and promotion."""
    found: list[tuple[str, int, int]] = []
    norm = text.replace("\u2019", "'").replace("\u2018", "'")
    words = [(m.start(), m.group().lower()) for m in _WORD.finditer(norm)]
    generic = [(m.start(), m.end()) for m in _GENERIC.finditer(norm)] if " or " in norm or "/" in norm else []
    # a slogan in quotation marks is being talked about, unless the comment also links or prices something
    quoted = [] if _URLISH.search(norm) or "$" in norm else [(m.start(), m.end()) for m in _QUOTED.finditer(norm)]
    for label, lexicon in (("health_disclosure", _DISCLOSURE_LEXICON), ("advice_request", _ADVICE_LEXICON), ("spam", _SPAM_LEXICON), ("promotion", _PROMOTION_LEXICON)):
        for _, start, end in lexicon.find(norm, words):
            if generic and any(s <= start < e for s, e in generic):
                continue
            if label == "advice_request" and (not _is_question(norm, start, end) or _logistics(norm, start)):
                continue
            if label == "health_disclosure" and _PET.match(norm, start):
                continue  # "my dog was just diagnosed with diabetes": no person's health
            if label == "spam" and norm[start:end].lower().startswith("without") and _TOOK_BEFORE.search(norm, max(0, start - 60), start):
                continue  # "I took Adderall in college without a prescription": the writer's past, not an offer
            if label == "health_disclosure" and _NO_IDEA.match(norm, start):
                continue  # "I had no idea the lab bills separately": knowing, not having
            if label in ("spam", "promotion") and quoted and any(lo <= start and end <= hi for lo, hi in quoted):
                continue  # the "doctors hate this one trick" energy of the replies: quoted, not sold
            found.append((label, start, end))
    if "$" in norm:
        found.extend(("spam", m.start(), m.end()) for m in _MONEY.finditer(norm))
    found.extend(("promotion", m.start(), m.end()) for m in _PROMO_CODE.finditer(norm))
    found.extend(("spam", m.start(), m.end()) for m in _SHORT_LINK.finditer(norm))
    stuffed, repeated = _stuffing(words)
    if stuffed:
        found.append(("spam", 0, len(norm)))
    if not any(f[0] in ("health_disclosure", "spam", "promotion") for f in found):
        found.extend(("health_disclosure", lo, hi) for lo, hi in _personal_health_sentences(norm))
    if any(f[0] == "health_disclosure" for f in found):
        found.extend(("advice_request", m.start(), m.end()) for m in _CONTEXTUAL_ADVICE.finditer(norm))
    if _URLISH.search(norm):
        urls = [m for m in _ANY_URL.finditer(norm) if not _REPUTABLE.search(m.group())]
        for match in _SHOP_URL.finditer(norm):
            if not _REPUTABLE.search(match.group()):
                found.append(("spam", match.start(), match.end()))
        if len(urls) >= 3 or (urls and (any(f[0] in ("spam", "promotion") for f in found) or _LINK_CUE.search(norm) or repeated)):
            found.extend(("spam", m.start(), m.end()) for m in urls)
    return _dedupe(found)


_COMMERCE = frozenset({"buy", "cheap", "best", "reviews", "review", "order", "price", "prices", "discount", "online", "shop", "sale", "deal", "deals"})


def _stuffing(words: list[tuple[int, str]]) -> tuple[bool, bool]:
    """(stuffed, repeated), counted once: keyword stuffing is a product word repeated through a
    short text full of shopping words ("best keto gummies 2024 keto gummies reviews buy keto
    gummies cheap"); repeated is the repetition alone, spam only beside a link ("knee pain
    relief … knee pain cure site.com")."""
    if len(words) < 6:
        return False, False
    counts: dict[str, int] = {}
    for _, word in words:
        if len(word) > 3 and word not in _COMMERCE:
            counts[word] = counts.get(word, 0) + 1
    top = max(counts.values(), default=0)
    shopping = sum(1 for _, word in words if word in _COMMERCE)
    share = top / len(words)
    return top >= 3 and share >= 0.15 and shopping >= 2, top >= 3 and share >= 0.25


def _is_question(text: str, start: int, end: int) -> bool:
    """An advice match counts inside a question, or with imperative/advice wording around it."""
    sentence_end = len(text)
    for mark in ".!\n":
        position = text.find(mark, end)
        if position != -1:
            sentence_end = min(sentence_end, position)
    question = text.find("?", end)
    if question != -1 and question <= sentence_end + 1:
        return True
    match_text = text[start:end].lower()
    # search-box style drops the question mark: "can i drink on my antibiotics", "…10 years, can i
    # add ashwagandha": an inverted question that opens the sentence or follows a comma ("can we
    # stop shaming mums" is a plea, not a question)
    opening = max(text.rfind(mark, 0, start) for mark in ".!?\n,;")
    if not text[opening + 1 : start].strip() and re.match(r"(?:can|could|may|should|do|does|did|is|are|am|will|would|what|which|how|when|why)\s(?!we\b|(?:\w+\s+)?we\s+(?:stop|talk|all|just|please)\b)", match_text):
        return True
    # "should I…" without a question mark is still a question in comment style; "any advice",
    # "please advise", "wondering if I" are requests by their wording
    return bool(re.match(r"should\s|any\s|some\s|your\s|please|pls|plz|can\s+you|could\s+you|can\s+someone|can\s+anyone|could\s+someone|i'?m\s+wondering|im\s+wondering|i\s+am\s+wondering|i'?m\s+not\s+sure|i\s+(?:want|need|would)|what\s+(?:else\s+)?(?:can|could|should)\s+i|how\s+(?:do|can|should)\s+i|is\s+my|what\s+dose|what\s+dosage", match_text))


def _dedupe(found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Keep one span per label where spans of the same label overlap (the longest)."""
    found.sort(key=lambda f: (f[0], f[1], -f[2]))
    kept: list[tuple[str, int, int]] = []
    for label, start, end in found:
        if kept and kept[-1][0] == label and start < kept[-1][2]:
            if end > kept[-1][2]:
                kept[-1] = (label, kept[-1][1], end)
            continue
        kept.append((label, start, end))
    kept.sort(key=lambda f: (f[1], f[2]))
    return kept
