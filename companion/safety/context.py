"""Context rules: when a worrying phrase is NOT about the resident's own safety now.

Each function answers one question about a normalised sentence (or message):
is the phrase negated, is the subject a patient, is this teaching, is it a
resolved past, is it hyperbole or a joke. The lexicon and the semantic signal
both ask these questions; explicit first-person intent, plan or means is never
silenced by the clinical, teaching or humour rules (see ``lexicon.py``).
"""

from __future__ import annotations

import re

from companion.safety.sentences import clause_start, split_sentences

_NEGATION = re.compile(
    r"\b(not|no|never|nor|zero|without|den(?:y|ies|ied)|nothing like|none)\b|\w+n't\b|\bcannot\b"
)
# Words that look like negation but do not negate the thought that follows.
_NOT_NEGATION = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|won'?t|wouldn'?t|don'?t|didn'?t) (?:stop|help|shake|get rid)"
    r"|\b(?:don'?t|do not|didn'?t) know\b|\bnot sure\b|\bnot (?:just|even|only)\b"
    r"|\bno longer\b|\bno one\b|\bnobody\b|\bno way\b|\bno point\b|\bno reason\b"
    r"|\w+n't (?:think|feel like|believe|see (?:why|how)|want to (?:tell|admit)) i\b"
    r"|\bnever (?:felt|been) (?:so|this)\b|\bno matter\b|\bnot (?:anymore|any more)\b"
    r"|\bhaven'?t told\b|\bdidn'?t tell\b"
)


def is_negated(sentence: str, start: int, window_words: int = 6) -> bool:
    """True when a negation cue stands before ``start`` in the same clause, close by."""
    begin = clause_start(sentence, start)
    before = sentence[begin:start]
    words = before.split()
    before = " ".join(words[-window_words:])
    if not _NEGATION.search(before):
        return False
    cleaned = _NOT_NEGATION.sub(" ", before)
    return bool(_NEGATION.search(cleaned))


_NEGATED_STATEMENT = re.compile(
    r"\b(?:i'?m|i am|i was|i feel|i've|i have) not (?:been )?(?:feeling )?(?:suicidal|thinking "
    r"(?:of|about)"
    r"|having (?:any )?thoughts|going to (?:hurt|harm|kill|do anything)|planning|in danger|unsafe)"
    r"|\b(?:no|zero) (?:thoughts|plans?|intent(?:ion)?|urges?|desire|wish) (?:of|to|about|for|or)"
    r"|\bno (?:suicidal|self-?harm|si\b)|\bnot suicidal\b|\bwould never (?:hurt|harm|kill|do)"
    r"|\bnever (?:thought|think|wanted|want) (?:of|about|to) (?:hurt|harm|kill|end|die)"
    r"|\bdenies? (?:si|suicidal|thoughts)"
)


def has_negated_statement(sentence: str) -> bool:
    """A sentence that explicitly denies thoughts of harm ("no thoughts of hurting myself")."""
    return bool(_NEGATED_STATEMENT.search(sentence))


_CLINICAL = re.compile(
    r"\b(?:my|the|a|our|this|that|one|another|her|his|their)\s+(?:\w+\s+){0,2}?"
    r"(?:patients?|pts?|teens?|teenagers?|adolescents?|veteran)\b"
    r"|\b(?:the|a|an|this|that|one|another|her|his|their)\s+(?:\w+\s+){0,2}?"
    r"(?:kid|man|woman|girl|boy|child|mom|mother|dad|father|family|families|son|daughter|"
    r"husband|wife|person|student|colleague|friend|classmate|resident|intern)\b"
    r"|\b(?:colleague|friend|classmate|co-?resident|resident|intern|attending|nurse|student)s? "
    r"(?:\w+ ){0,4}(?:died|passed away|killed (?:himself|herself|themselves)|"
    r"took (?:his|her|their) own life)\b|\bdied by suicide\b|\blost (?:a|our|my) \w+ to suicide\b"
    r"|\bpatients?\b|\b(?:he|she|they) (?:said|says|told|tells|attempted|overdosed|took|cut|"
    r"wanted|wants|was|is|had|has|came|presented)\b|\b(?:himself|herself|themselves)\b"
    r"|\b(?:admitted|sutured|stitched|intubated|coded|consulted|pronounced|triaged|discharged)\b"
    r"|\bpsych (?:saw|consult|hold|eval)|\brisk assessment\b|\bhospice\b|\bpalliative\b"
    r"|\b(?:ed|er|icu|picu|nicu|ward|clinic|rounds|consult)\b"
)


def is_clinical(sentence: str) -> bool:
    """The sentence talks about patients or clinical work, not the resident's own state."""
    return bool(_CLINICAL.search(sentence))


_EDUCATION = re.compile(
    r"\b(?:workshop|grand rounds|lecture|conference|seminar|training|journal club|curriculum|"
    r"talk on|talk about|paper on|article|module|ethics|simulation|teach(?:ing)?|elective|"
    r"m&m|morbidity and mortality|noon conference|half day|qpr|course|didactics?|presentation on|"
    r"prevention|awareness|statistics|rates? of|guidelines?|policy|committee|study on|research|"
    r"quiz|exam|board questions?|question bank|qbank|pharmacology|dosing (?:table|chart|quiz))\b"
)


_BENIGN_OBJECT = re.compile(
    r"\b(?:rope (?:ladder|swing|bridge|course|toy|lights?)|(?:jump|jumping|skipping|climbing|tow|"
    r"dog|bungee) rope|rope for (?:the|my|our) (?:boat|tent|hammock|swing|dog)|knife (?:block|set)|"
    r"(?:kitchen|steak|bread|butter) knives?|for (?:the|my|our) (?:treehouse|garden|boat|camping "
    r"trip|kitchen))\b"
)


def is_benign_object(sentence: str) -> bool:
    """A household or hobby object that only shares a word with a means ("rope ladder")."""
    return bool(_BENIGN_OBJECT.search(sentence))


def is_education(sentence: str) -> bool:
    """The sentence is about teaching, research, policy or a talk."""
    return bool(_EDUCATION.search(sentence))


_PAST_MARKER = re.compile(
    r"\b(?:used to|back when|back in|years? ago|months ago|at the time|as a (?:teen(?:ager)?|kid|"
    r"child|student)|in (?:med|medical|high) school|in college|in (?:pgy|ms)[- ]?\d|"
    r"during (?:my )?(?:worst|darkest|med school|intern year|that time)|"
    r"when i was (?:\d+|younger|little|a|in)|at (?:age )?\d+ i|"
    r"i was suicidal|i had (?:a )?(?:dark|rough|bad)|once|for a while there|that stretch|"
    r"my worst (?:stretch|period|year)|previously|in the past|history of)\b"
)
_RECOVERY = re.compile(
    r"\b(?:therapy helped|treatment helped|medication helped|got (?:me )?through|went away|"
    r"gone (?:now|completely)|long gone|\d+ (?:months?|years?) (?:clear|free|sober|clean)|"
    r"clear now|free of it|in remission|recovered|recovery|better place|how far i'?ve come|"
    r"grateful|gratitude|doing (?:much |a lot )?better|stable now|haven'?t (?:had|felt|thought)|"
    r"past that|behind me|started treatment|got help|sought help|healed|"
    r"with (?:therapy|treatment|medication|support|help)|been (?:well|stable|okay|good|fine) for|"
    r"proud of (?:that|how far|myself|where i am)|(?:therapy|treatment|medication) (?:worked|save"
    r"d)|"
    r"survived (?:it|that)|got me (?:out|through)|out of it now|"
    r"(?:i'?m|i am) (?:well|okay|ok|fine|good|stable|better|healthy|doing well) now|"
    r"(?:i'?m|i am) doing (?:well|great|okay|ok|better|fine))\b"
)
_RELAPSE = re.compile(
    r"\b(?:(?:come|coming|came) back|returned|returning|back again|again lately|started again|"
    r"creeping back|these days|lately|this week|tonight|right now|recently)\b"
)


def is_resolved_history(sentence: str, message: str) -> bool:
    """The sentence is about a past that the message says has resolved (and not returned)."""
    return (bool(_PAST_MARKER.search(sentence)) and bool(_RECOVERY.search(message))
            and not _RELAPSE.search(sentence) and not still_at_risk(message))


_HYPERBOLE = re.compile(
    r"\b(?:killing me|kill me now|(?:is|are|was|will be) the death of me|dead on my feet|"
    r"shoot me(?: now)?|i'?d kill for|would kill for|(?:going to|gonna|will|would|'ll) "
    r"(?:murder|kill|end) me\b|(?:murder|kill)s? me when|put me out of my misery|"
    r"eating me alive|sucking the (?:soul|life)|soul[- ]crushing|(?:die|died|dying) of "
    r"(?:embarrassment|boredom|shame|laughter|cuteness)|to die for|dying to (?:know|see|try|go)|"
    r"dying for (?:a|an|some|my|the)\b|bane of my existence|"
    r"could murder a|bored to death|scared to death|worked to death|tired to death|"
    r"makes? me want to (?:jump out|scream|cry|throw)|"
    r"(?:killed|kill|killing|crushed|crushing|nailed) it|killer\b|drop dead gorgeous|"
    r"over my dead body|if i have to \w+ (?:one more|another)|one more \w+ and i'?(?:ll|m going t"
    r"o))"
)
_HUMOUR = re.compile(
    r"\b(?:lol|lmao|haha\w*|jk|kidding|joking|joke|jokes|meme|memes|sarcasm|dark humou?r)\b|😂|🙃"
)


def is_hyperbole(sentence: str) -> bool:
    """A common figure of speech for tiredness or frustration ("this is killing me")."""
    return bool(_HYPERBOLE.search(sentence))


def is_humour(sentence: str) -> bool:
    """The sentence flags itself as a joke (lol, kidding, group-chat memes)."""
    return bool(_HUMOUR.search(sentence))


_LITERAL = re.compile(
    r"\b(?:i mean it|i'?m not (?:joking|kidding)|not (?:a joke|joking|kidding)|"
    r"i (?:don'?t|do not) mean (?:by|it|that|figuratively|metaphorically|as a)|"
    r"(?:literally|seriously) (?:want|going|thinking|planning)|for real|"
    r"not (?:the|a) usual (?:\w+ )?joke|not funny anymore|kinda the plan)"
)


def is_literal(sentence: str) -> bool:
    """The resident insists they are not speaking figuratively."""
    return bool(_LITERAL.search(sentence))


# --- Where a rule hit stands in the message: asserted now, or framed as something else.
# These four questions are asked of every crisis-rule hit (see ``lexicon._frame``). Each
# one only moves a hit *down* (to ``check`` or to the stance head); none can raise one.

_SPEECH_VERB = re.compile(
    r"\b(?:said|says|say|saying|told|tells|tell|asked|asks|screamed|yelled|shouted|wrote|"
    r"writes|texted|texts|posted|posts|messaged|whispered|mumbled|muttered|joked|jokes|"
    r"repeat(?:s|ed|ing)|kept saying|keeps saying|goes|went|like)\b"
)
_OTHER_SUBJECT = re.compile(
    r"\b(?:he|she|they|he's|she's|they're|you|you're|we|patients?|pts?|someone|somebody|people|"
    r"residents?|interns?|colleagues?|friends?|who|woman|man|girl|boy|kid|teen\w*|child|"
    r"mother|father|mom|dad|son|daughter|wife|husband|partner|roommate|brother|sister|"
    r"character|speaker|author|narrator|nurse|attending|senior|co-?intern|co-?resident|"
    r"family|everyone|anyone)\b"
)
_SELF_SUBJECT = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b")


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of ``pattern`` in ``text``."""
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the loop only advances to the last
        pass
    return found


def subject_before(text: str) -> str | None:
    """``"first"``, ``"other"`` or None: the nearest subject word at the end of ``text``."""
    last: tuple[int, str] | None = None
    for match in _SELF_SUBJECT.finditer(text):
        last = (match.start(), "first")
    for match in _OTHER_SUBJECT.finditer(text):
        if last is None or match.start() > last[0]:
            last = (match.start(), "other")
    return last[1] if last else None


def _open_quote(before: str) -> int | None:
    """Index of the quote mark opened (and not closed) before a position, if any."""
    if before.count('"') % 2 == 1:
        return before.rfind('"')
    opening = [m.start() for m in re.finditer(r"(?:^|[\s(:,])'(?=\w)", before)]
    closing = [m.start() for m in re.finditer(r"(?<=[\w.!?,])'(?=[\s.,!?)]|$)", before)]
    if len(opening) > len(closing):
        return opening[-1]
    return None


def quoted_speaker(sentence: str, start: int) -> str | None:
    """Who speaks the quoted words at ``start``: ``"first"``, ``"other"``, or None (not quoted).

    The speaker is the nearest subject before the opening quote ("my patient said 'I want
    to die'" is other; "I yelled 'I want to die'" and an unattributed quote are first).
    """
    opened = _open_quote(sentence[:start])
    if opened is None:
        return None
    lead = sentence[:opened]
    verb = _last(_SPEECH_VERB, lead)
    scope = lead[:verb.start()] if verb else lead
    return "other" if subject_before(scope) == "other" else "first"


_ASKED = re.compile(
    r"\b(?:ask(?:s|ed|ing)?|question(?:s|ed)?|screen(?:s|ed|ing)? (?:me )?for|survey|"
    r"questionnaire|phq(?:-?9)?|form|wanted to know|check(?:s|ed|ing)? in)\b"
    r"(?:[^.?!]{0,60}?)\b(?:if|whether|about|for)\b"
)
_ANSWER_NO = re.compile(
    r"\b(?:(?:answer|answered|said|say|told (?:her|him|them|my \w+))(?: was| is)?,? (?:honestly )?"
    r"no|honestly,? no|the answer (?:is|was) no|(?:could|can) (?:honestly )?say no|"
    r"not even a little|i'?m not\b|i am not\b|i wasn'?t\b|i'?m not,|i haven'?t\b|"
    r"(?:and|,) no\b)"
)
_ANSWER_YES = re.compile(
    r"\b(?:said yes|answered yes|the answer (?:is|was) yes|honestly,? yes|i (?:said|told "
    r"(?:her|him|them)) (?:that )?i (?:am|was|do|did|have)\b|i lied|lied and said|"
    r"couldn'?t (?:say|answer) no|didn'?t (?:know what to|answer)|"
    r"(?:truth|real answer) is (?:yes|i))"
)


def in_answered_question(sentence: str, start: int, message: str) -> bool:
    """The phrase is the content of a question someone asked, and the resident said no.

    "The survey asked if I've thought about killing myself and I could say no" reports
    a question; it asserts nothing about the resident, and the answer is a denial.
    """
    asked = _last(_ASKED, sentence[:start])
    if asked is None or len(sentence[asked.end():start].split()) > 8:
        return False
    return bool(_ANSWER_NO.search(message)) and not _ANSWER_YES.search(message)


_PAST_TENSE = re.compile(
    r"\b(?:was|were|had|did|didn'?t|used to|wanted|thought|felt|tried|experienced|went "
    r"through|attempted|came close|considered)\b|\bi (?:\w+ )?\w{2,}ed\b"
)
_PRESENT_FIRST_PERSON = re.compile(
    r"\b(?:i'?m|i am|i keep|i (?:(?:really|just|still|honestly|sometimes|often|kind of|kinda) )?"
    r"(?:want|wanna|wish|need|feel|think|mean|plan|have been|'ve been|would|will|'d|'ll|"
    r"am going to|'m going to|'m gonna))\b|\bi(?:'d|'ll)\b(?! (?:been|had|\w+ed)\b)"
)
_PRESENT_SAFE = re.compile(
    r"\b(?:safe now|i'?m safe|i am safe|steady now|stable now|(?:i'?m|i am|i feel) "
    r"(?:well|okay|ok|fine|good|stable|better|healthy|steady|safe|myself|like myself)"
    r"(?: now| again| these days)|feel like myself|doing (?:much |a lot |really )?(?:well|better|"
    r"great|okay|ok|fine|good)|in treatment|(?:on|take|taking) (?:meds|medication) that work|"
    r"haven'?t had (?:a single |one |any )?(?:thought|urge|episode)|hasn'?t (?:come|came) back|"
    r"(?:never|not) (?:come|came) back|(?:therapy|treatment|medication|meds|sertraline|"
    r"counsel+ing) (?:helped|worked|saved)|got (?:me )?(?:help|through)|slowly came back|"
    r"recovered|in recovery|in remission|behind me|past that|excited about|looking forward|"
    r"(?:months?|years?) (?:clear|free|well|since|sober|clean)|came back as|glad i told|"
    r"(?:it|things) got better|(?:got|getting|get) (?:better|help|sober|treatment)|"
    r"(?:started|engaged (?:fully )?in|began|stayed in) (?:\w+ )?(?:therapy|treatment|"
    r"medication|counsel+ing)|(?:haven'?t|have not|hasn'?t|has not) had (?:\w+ ){0,2}"
    r"(?:thoughts?|urges?|ideation|episodes?)|i'?m (?:happy|happier|thriving)|"
    r"(?:come|came) back from (?:it|that)|safety plan)\b"
)
_STILL_AT_RISK = re.compile(
    r"\b(?:again|lately|recently|these days|this week|tonight|today|tomorrow|soon|last night|"
    r"yesterday|"
    r"this morning|right now|(?:come|coming|came) back|creeping back|returned|returning|"
    r"still (?:want|think|feel|have|get))\b"
)
_RISK_CUE = re.compile(
    r"\b(?:suicid\w*|die|died|dying|dead|death|kill\w*|end(?:ing)? (?:it|my life|things)|hurt\w* "
    r"myself|harm\w*|cut\w*|overdos\w*|thoughts?|urges?|ideation|it'?s back|wanting to|"
    r"want to|dark)\b"
)
# Said anywhere, these keep the present open whatever else the message says.
_PRESENT_INTENT = re.compile(
    r"\b(?:now i (?:mean|want|think|feel|keep)|i mean it|not (?:joking|kidding) (?:any ?more|"
    r"now)|but now|and now i)\b"
)
_NOT_A_RETURN = re.compile(
    r"\b(?:(?:hasn'?t|haven'?t|has not|have not|never|not|didn'?t)(?: \w+)?|if (?:it|they|that|"
    r"the \w+)(?: ever)?) (?:come|came|comes|coming|returned?|returns)(?: back)?\b"
    r"|\b(?:slowly |finally |and )?came back\b(?! (?:again|lately|this|last|tonight|today))"
)


def still_at_risk(message: str) -> bool:
    """The message says the trouble is present, recent or has returned.

    A recency or relapse word counts only in a sentence about the trouble itself
    ("the thoughts came back this week"), not in "this week I celebrated a year sober".
    """
    if _PRESENT_INTENT.search(message):
        return True
    for sentence in split_sentences(message):
        cleaned = _NOT_A_RETURN.sub(" ", sentence)
        if _STILL_AT_RISK.search(cleaned) and _RISK_CUE.search(cleaned):
            return True
    return False


def in_resolved_past(sentence: str, end: int, message: str) -> bool:
    """The phrase ending at ``end`` is told in the past tense, the message says the present
    is safe, and nothing says it has come back or is recent ("last night", "again")."""
    told = sentence[:end]
    clause = told[clause_start(sentence, end - 1):]
    # "if I died tomorrow", "I wish I were dead": subjunctive, not a past
    told = _SUBJUNCTIVE.sub(" ", told)
    past = _PAST_TENSE.search(told) or _PAST_MARKER.search(told) or _PAST_NOUN.search(told)
    safe_now = _PRESENT_SAFE.search(message) or _RECOVERY.search(message)
    return (bool(past) and not _PRESENT_FIRST_PERSON.search(clause) and bool(safe_now)
            and not still_at_risk(message))


_SUBJUNCTIVE = re.compile(r"\b(?:if|wish|as if|as though|even if) (?:i|we)\b(?: \w+){0,2}")
_PAST_NOUN = re.compile(r"\bpast (?:\w+ )?(?:thoughts?|episodes?|attempts?|self-?harm|history)\b")
