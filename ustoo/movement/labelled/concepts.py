"""Words that mean the same thing across English, French and Spanish, mapped to one shared feature.

The classifier sees each word of a post, each pair of words, and, for the words listed here, their concept
(`__harm`, `__first`, …): a disclosure in Spanish shares `__first` and `__harm` with one in English even when
no Spanish word of it was in the training posts. Words are as the tokenizer gives them: lower case, one
word (so "j'ai" gives "j" and "ai", and "#MeToo" gives "metoo"). Written for ustoo from dictionaries, not
from any post.
"""

_CONCEPTS = {
    # the author speaking of themself
    "first": "i me my mine myself im ive je j moi mon ma mes yo mí mi mis conmigo",
    # someone else
    "third": "she her he his him they their elle il lui leur ella él su sus ellos",
    "too": "too also aussi también tambien",
    "harm": (
        "rape raped raping rapist assault assaulted assaulting abuse abused abuser abusive molested molest "
        "molestation groped grope grabbed touched forced drugged coerced stalked harass harassed harassing "
        "harassment violated violée violé viol violeur violer agressée agressé agression agresser harcelée "
        "harcelé harcèlement harceleur abusée abusé attouchements tripotée tripoté violada violado violación "
        "violó violador agredida agredido agresión acosada acosado acoso acosador abusada abusado abusó "
        "manoseada manoseó tocó"
    ),
    "survivor": "survivor survivors survived victim victims survivante survivantes victime victimes "
    "sobreviviente sobrevivientes superviviente víctima víctimas",
    "age": "years yrs old aged age ans años edad",
    "young": "child kid teen teenager girl boy student enfant fille ado adolescente niña niño chica "
    "estudiante",
    "perpetrator": (
        "boss manager coworker colleague teacher professor coach uncle father dad stepfather stepdad priest "
        "doctor ex boyfriend husband neighbour neighbor patron chef collègue prof professeur entraîneur "
        "oncle père beau prêtre médecin voisin copain mari jefe compañero profesor entrenador tío padre "
        "padrastro cura médico vecino novio marido"
    ),
    "telling": "told tell telling story stories spoke speak silence silent reported report dit raconté "
    "histoire parlé silence dije contado historia hablé silencio denuncié",
    "support": (
        "believe believed stand solidarity support supporting brave courage courageous strength proud "
        "thank thanks grateful love alone listen crois soutien solidarité courage courageuse merci fière "
        "seule écoute creo apoyo solidaridad valiente valentía gracias orgullosa sola escuchen"
    ),
    "news": (
        "report reports study survey article law bill court trial lawsuit accused charged allegations "
        "allegation news video watch read podcast via interview book film movie debate senator "
        "investigation étude enquête sondage article loi procès tribunal accusé accusée plainte livre "
        "entretien estudio encuesta artículo ley juicio tribunal acusado acusada denuncia libro entrevista"
    ),
    "backlash": (
        "witch hunt hoax lie lies liar liars lying false fake hysteria feminazi feminazis mob attention "
        "money proof evidence ruined ruin innocent due process joke bandwagon chasse sorcières mensonge "
        "mensonges menteuse fausse fausses meute preuves preuve innocent caza brujas mentira mentiras "
        "mentirosa falsa falsas turba pruebas inocente"
    ),
    "laugh": "lol lmao haha hahaha jaja jajaja mdr ptdr",
}
CONCEPTS = {word: concept for concept, words in _CONCEPTS.items() for word in words.split()}
