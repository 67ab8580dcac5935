"""The journal's public addresses served by the server side: the time-stamp log's page and the word
list codenames are drawn from. The journal page's own addresses are in urls.py."""

from django.urls import path

from ustoo.journal import log_page, params

urlpatterns = [
    path("log/", log_page.tree_heads, name="journal_log"),
    path("words.txt", params.words_txt, name="journal_words"),
]
