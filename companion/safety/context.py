"""Context rules: when a worrying phrase is NOT about the resident's own safety now.

Each function answers one question about a normalised sentence (or message):
is the phrase negated, is the subject a patient, is this teaching, is it a
resolved past, is it hyperbole or a joke. The lexicon and the semantic signal
both ask these questions; explicit first-person intent, plan or means is never
silenced by the clinical, teaching or humour rules (see ``lexicon.py``).
"""

from __future__ import annotations

import re

from companion.safety.sentences import clause_start

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
_REPORTED_SPEECH = re.compile(
    r"\b(?:he|she|they|patient|pt|family|mother|father|son|daughter|wife|husband)\b"
    r"[^.\"']{0,40}\b(?:said|says|told|tells|asked|asks|screamed|wrote|whispered)\b"
)


def is_clinical(sentence: str) -> bool:
    """The sentence talks about patients or clinical work, not the resident's own state."""
    return bool(_CLINICAL.search(sentence))


def in_reported_speech(sentence: str, start: int) -> bool:
    """The phrase at ``start`` sits inside quotes that a patient or someone else said."""
    before = sentence[:start]
    inside_quotes = before.count('"') % 2 == 1 or before.count(" '") > before.count("' ")
    return inside_quotes and bool(_REPORTED_SPEECH.search(before))


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
            and not _RELAPSE.search(sentence))


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
