"""The words the journal's script shows, in the reader's language: the page hands them to it as JSON,
so they go through gettext like every template string. `%(name)s` is filled in by the script; a key
with a count comes in two forms (`key_one`, `key_other`), which the script picks by the language's
plural rule."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.core.script_text import counted


def for_browser() -> dict[str, str]:
    return {
        # Errors
        "error_prefix": _("Error:"),
        "error_title": _("There is a problem"),
        "nothing_lost": _("Nothing you typed is lost."),
        "error_unexpected": _("Something went wrong. Nothing you wrote is lost: try again."),
        "error_network": _(
            "The site could not be reached. Nothing you wrote is lost: check the connection and try again."
        ),
        "error_server": _(
            "The site could not do this just now. Nothing you wrote is lost: try again in a moment."
        ),
        "error_too_many": _("Too many attempts from here. Wait %(seconds)s seconds and try again."),
        "error_too_large": _("This is larger than the site accepts. Nothing you wrote is lost."),
        "error_full": _(
            "The site has no room to store this just now. Nothing you wrote is lost: try again later."
        ),
        "error_understand": _(
            "Confirm that you understand that a lost codename and recovery key cannot be replaced."
        ),
        "error_passphrase_again": _("The two passphrases are not the same. Type the same passphrase twice."),
        "error_saved": _("Confirm that you have written your codename down."),
        "error_codename_missing": _("Type your codename: the seven words you were given."),
        "error_recovery_format": _(
            "A recovery key is 32 letters and digits, as printed. Check it and type it again."
        ),
        "error_not_found": _(
            "No journal opens with this codename and passphrase. Check the seven words, and the passphrase "
            "if you set one."
        ),
        "error_not_found_recovery": _("No journal opens with this recovery key. Check it and type it again."),
        "error_key_damaged": _(
            "This journal was found, but its key was changed on the site and cannot be opened. Nothing can "
            "read it now."
        ),
        "error_empty": _("Write something before saving: answer a question, or write in the free text."),
        "error_file_too_large": _(
            "%(name)s is too large to attach: files of up to %(size)s can be attached."
        ),
        "error_file_unreadable": _("%(name)s could not be read in full. Try adding it again."),
        "error_delete_confirm": _("Confirm that you want to delete the journal for good."),
        **counted(
            "error_too_many_files",
            lambda n: ngettext(
                "One entry can hold %(count)s file. Save this entry and attach the rest to another.",
                "One entry can hold %(count)s files. Save this entry and attach the rest to another.",
                n,
            ),
        ),
        # Progress and outcomes
        "creating": _("Making your journal: this takes a few seconds…"),
        "opening": _("Opening your journal: this takes a few seconds…"),
        "saving": _("Locking and saving your entry…"),
        "deleting": _("Deleting…"),
        "created": _("Your journal is ready. Write your first entry when you want to."),
        "opened": _(
            "Your journal is open. Only this page can read it: closing or leaving it closes the journal."
        ),
        **counted(
            "opened_with_problems",
            lambda n: ngettext(
                "Your journal is open, but %(count)s entry could not be shown as written: see below.",
                "Your journal is open, but %(count)s entries could not be shown as written: see below.",
                n,
            ),
        ),
        "closed": _("Your journal is closed."),
        "deleted": _("Your journal was deleted."),
        "saved": _("Entry %(seq)s is saved and time-stamped: %(time)s."),
        # Entries
        "kind_incident": _("What happened to me"),
        "kind_witness": _("What I saw happen"),
        "kind_note": _("Note"),
        "no_entries": _("No entries yet."),
        **counted("entry_count", lambda n: ngettext("%(count)s entry", "%(count)s entries", n)),
        "entry_heading": _("Entry %(seq)s"),
        "written_at": _("Written %(time)s"),
        "stamped_at": _("Time-stamped %(time)s"),
        "corrected_tag": _("Corrected"),
        "corrected_by": _("This is the correction written as entry %(seq)s."),
        "amend_button": _("Correct this entry"),
        **counted(
            "history_summary",
            lambda n: ngettext("The earlier version (%(count)s)", "The earlier versions (%(count)s)", n),
        ),
        "version_heading": _("As written in entry %(seq)s"),
        "write_heading": _("New entry"),
        "write_amend_heading": _("Correct entry %(seq)s"),
        "problem_unreadable": _(
            "Entry %(seq)s cannot be opened: its stored bytes were changed or damaged after it was written. "
            "Your other entries are not affected."
        ),
        "problem_commitment": _(
            "Entry %(seq)s does not match what its time-stamp is about: it was changed after it was written."
        ),
        "problem_sequence": _(
            "Entry %(seq)s is stored in the wrong place: entries were swapped or repeated."
        ),
        "problem_chain": _(
            "Entry %(seq)s does not follow the entry before it as it was written: an entry was removed, "
            "repeated or put out of order."
        ),
        "problem_missing": _("Entry %(seq)s is missing."),
        # Attachments
        "attachments_heading": _("Attached files"),
        "attachment_original": _("Original"),
        "attachment_copy": _("Copy without details"),
        "attachment_show": _("Show"),
        "attachment_download": _("Download"),
        "attachment_opening": _("Opening the file…"),
        "attachment_damaged": _("This file was changed or damaged on the site and cannot be opened."),
        "exif_found": _("Details the file carries about itself:"),
        "exif_warning": _(
            "This file carries details about itself. They are kept with the original, where they can be "
            "evidence; remove them from any copy you share."
        ),
        "exif_none": _("No location, time or camera details were found in this file."),
        "exif_gps": _("Location (latitude, longitude)"),
        "exif_taken": _("Taken"),
        "exif_camera": _("Camera"),
        "exif_software": _("Software"),
        "exif_artist": _("Author"),
        "exif_serial": _("Camera serial number"),
        "redact_button": _("Also keep a copy without these details"),
        "redact_made": _("Copy without details made: %(name)s (%(size)s)."),
        "redact_clean": _("It carries no location, time or camera details."),
        "redact_still": _("Some details could not be removed from it."),
        "redact_failed": _("A copy without details cannot be made of this file here."),
        "file_remove": _("Remove"),
        # Export
        "print_title": _("Journal"),
        "print_meta": _("Printed %(time)s."),
        "print_note": _(
            "Each entry's time-stamp and its place in the site's public log can be checked with the "
            "evidence bundle exported with it."
        ),
        "print_amends": _("This entry corrects entry %(seq)s."),
        "print_attachment": _("Attached: %(name)s (SHA-256 %(sha256)s)"),
        "print_commitment": _("Commitment (SHA-256 of the salt and the entry): %(commitment)s"),
        "recovery_print_title": _("Recovery key"),
        "recovery_print_note": _(
            "With this key your journal can be opened if you lose your codename. Keep it somewhere safe, "
            "away from the codename and from work. Anyone who has it can read the journal."
        ),
        "recovery_print_where": _("To use it, open %(address)s and choose to use a recovery key."),
        "bundle_making": _("Making the evidence bundle…"),
        **counted(
            "bundle_made",
            lambda n: ngettext(
                "The evidence bundle holds %(count)s entry. Check your downloads.",
                "The evidence bundle holds %(count)s entries. Check your downloads.",
                n,
            ),
        ),
        **counted(
            "bundle_left_out",
            lambda n: ngettext(
                "%(count)s entry that cannot be shown as written is left out.",
                "%(count)s entries that cannot be shown as written are left out.",
                n,
            ),
        ),
        **counted(
            "bundle_pending",
            lambda n: ngettext(
                "%(count)s time-stamp is not yet in a published log head: export again tomorrow "
                "to include its proof.",
                "%(count)s time-stamps are not yet in a published log head: export again tomorrow to include "
                "their proofs.",
                n,
            ),
        ),
        # VERIFY.txt, in the bundle
        "verify_title": _("Evidence bundle of a journal kept on ustoo"),
        "verify_intro": _(
            "The writer of this journal exported it. Each entry is in entries/ as it was written (a .json "
            "file to read, and the .committed file: a random salt followed by those exact bytes). When each "
            "entry was saved, the site's time-stamping authority signed a time-stamp (RFC 3161) of the "
            "SHA-256 hash of its .committed file, without seeing the entry: the tokens are in tokens/. Each "
            "token was also added to the site's public, append-only log, whose signed head and proofs are "
            "in log/. The certificates are in tsa/. A time-stamp proves when the writer committed to the "
            "text, not that the text is true."
        ),
        "verify_tool": _("To check everything at once, offline, with ustoo installed:"),
        "verify_by_hand": _("To check each time-stamp by hand with OpenSSL:"),
        "verify_read_token": _("To read a time-stamp (its time, serial number and hash):"),
        "verify_commitment": _(
            "The hash in a time-stamp is the SHA-256 of the entry's .committed file, which journal.json also "
            "lists as its commitment:"
        ),
        "verify_attachments": _(
            "Attached files are in attachments/, as they were chosen, metadata included; their SHA-256 "
            "hashes are written inside the entries and listed in journal.json:"
        ),
        "verify_log": _(
            "log/proofs.json holds, for each token's place in the log, the hashes that lead from it to the "
            "root of log/tree-head.json (RFC 6962), whose signature tsa/log.pem verifies."
        ),
    }
