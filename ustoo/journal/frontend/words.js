// The words the journal's script shows, by key (journal.js calls t(key, values)), through the site's
// JavaScript catalogue so that each is in the reader's language (core/frontend/text.js). `%(name)s` is
// filled in by the script; a counted message is a function of its count, for ngettext to pick the form.
import { gettext, ngettext } from "../../core/frontend/text.js";

export const words = () => ({
  // Errors
  error_prefix: gettext("Error:"),
  error_title: gettext("There is a problem"),
  nothing_lost: gettext("Nothing you typed is lost."),
  error_unexpected: gettext("Something went wrong. Nothing you wrote is lost: try again."),
  error_network: gettext("The site could not be reached. Nothing you wrote is lost: check the connection and try again."),
  error_server: gettext("The site could not do this just now. Nothing you wrote is lost: try again in a moment."),
  error_too_many: (n) =>
    ngettext(
      "Too many attempts from here. Wait %(count)s second and try again.",
      "Too many attempts from here. Wait %(count)s seconds and try again.",
      n,
    ),
  error_too_large: gettext("This is larger than the site accepts. Nothing you wrote is lost."),
  error_full: gettext("The site has no room to store this just now. Nothing you wrote is lost: try again later."),
  error_understand: gettext("Confirm that you understand that a lost codename and recovery key cannot be replaced."),
  error_passphrase_again: gettext("The two passphrases are not the same. Type the same passphrase twice."),
  error_saved: gettext("Confirm that you have written your codename down."),
  error_codename_missing: gettext("Type your codename: the seven words you were given."),
  error_recovery_format: gettext("A recovery key is 32 letters and digits, as printed. Check it and type it again."),
  error_not_found: gettext("No journal opens with this codename and passphrase. Check the seven words, and the passphrase if you set one."),
  error_not_found_recovery: gettext("No journal opens with this recovery key. Check it and type it again."),
  error_key_damaged: gettext("This journal was found, but its key was changed on the site and cannot be opened. Nothing can read it now."),
  error_empty: gettext("Write something before saving: answer a question, or write in the free text."),
  error_file_too_large: gettext("%(name)s is too large to attach: files of up to %(size)s can be attached."),
  error_file_unreadable: gettext("%(name)s could not be read in full. Try adding it again."),
  error_delete_confirm: gettext("Confirm that you want to delete the journal for good."),
  error_too_many_files: (n) =>
    ngettext(
      "One entry can hold %(count)s file. Save this entry and attach the rest to another.",
      "One entry can hold %(count)s files. Save this entry and attach the rest to another.",
      n,
    ),
  // Progress and outcomes
  creating: gettext("Making your journal: this takes a few seconds…"),
  opening: gettext("Opening your journal: this takes a few seconds…"),
  saving: gettext("Locking and saving your entry…"),
  deleting: gettext("Deleting…"),
  created: gettext("Your journal is ready. Write your first entry when you want to."),
  opened: gettext("Your journal is open. Only this page can read it: closing or leaving it closes the journal."),
  opened_with_problems: (n) =>
    ngettext(
      "Your journal is open, but %(count)s entry could not be shown as written: see below.",
      "Your journal is open, but %(count)s entries could not be shown as written: see below.",
      n,
    ),
  closed: gettext("Your journal is closed."),
  deleted: gettext("Your journal was deleted."),
  saved: gettext("Entry %(seq)s is saved and time-stamped: %(time)s."),
  // Entries
  kind_incident: gettext("What happened to me"),
  kind_witness: gettext("What I saw happen"),
  kind_note: gettext("Note"),
  no_entries: gettext("No entries yet."),
  entry_count: (n) =>
    ngettext(
      "%(count)s entry",
      "%(count)s entries",
      n,
    ),
  entry_heading: gettext("Entry %(seq)s"),
  written_at: gettext("Written %(time)s"),
  stamped_at: gettext("Time-stamped %(time)s"),
  corrected_tag: gettext("Corrected"),
  corrected_by: gettext("This is the correction written as entry %(seq)s."),
  amend_button: gettext("Correct this entry"),
  history_summary: (n) =>
    ngettext(
      "The earlier version (%(count)s)",
      "The earlier versions (%(count)s)",
      n,
    ),
  version_heading: gettext("As written in entry %(seq)s"),
  write_heading: gettext("New entry"),
  write_amend_heading: gettext("Correct entry %(seq)s"),
  problem_unreadable: gettext("Entry %(seq)s cannot be opened: its stored bytes were changed or damaged after it was written. Your other entries are not affected."),
  problem_commitment: gettext("Entry %(seq)s does not match what its time-stamp is about: it was changed after it was written."),
  problem_sequence: gettext("Entry %(seq)s is stored in the wrong place: entries were swapped or repeated."),
  problem_chain: gettext("Entry %(seq)s does not follow the entry before it as it was written: an entry was removed, repeated or put out of order."),
  problem_missing: gettext("Entry %(seq)s is missing."),
  // Attachments
  attachments_heading: gettext("Attached files"),
  attachment_original: gettext("Original"),
  attachment_copy: gettext("Copy without details"),
  attachment_show: gettext("Show"),
  attachment_download: gettext("Download"),
  attachment_opening: gettext("Opening the file…"),
  attachment_damaged: gettext("This file was changed or damaged on the site and cannot be opened."),
  exif_found: gettext("Details the file carries about itself:"),
  exif_warning: gettext("This file carries details about itself. They are kept with the original, where they can be evidence; remove them from any copy you share."),
  exif_none: gettext("No location, time or camera details were found in this file."),
  exif_gps: gettext("Location (latitude, longitude)"),
  exif_taken: gettext("Taken"),
  exif_camera: gettext("Camera"),
  exif_software: gettext("Software"),
  exif_artist: gettext("Author"),
  exif_serial: gettext("Camera serial number"),
  redact_button: gettext("Also keep a copy without these details"),
  redact_made: gettext("Copy without details made: %(name)s (%(size)s)."),
  redact_clean: gettext("It carries no location, time or camera details."),
  redact_still: gettext("Some details could not be removed from it."),
  redact_failed: gettext("A copy without details cannot be made of this file here."),
  file_remove: gettext("Remove"),
  // Export
  print_title: gettext("Journal"),
  print_meta: gettext("Printed %(time)s."),
  print_note: gettext("Each entry's time-stamp and its place in the site's public log can be checked with the evidence bundle exported with it."),
  print_amends: gettext("This entry corrects entry %(seq)s."),
  print_attachment: gettext("Attached: %(name)s (SHA-256 %(sha256)s)"),
  print_commitment: gettext("Commitment (SHA-256 of the salt and the entry): %(commitment)s"),
  recovery_print_title: gettext("Recovery key"),
  recovery_print_note: gettext("With this key your journal can be opened if you lose your codename. Keep it somewhere safe, away from the codename and from work. Anyone who has it can read the journal."),
  recovery_print_where: gettext("To use it, open %(address)s and choose to use a recovery key."),
  bundle_making: gettext("Making the evidence bundle…"),
  bundle_made: (n) =>
    ngettext(
      "The evidence bundle holds %(count)s entry. Check your downloads.",
      "The evidence bundle holds %(count)s entries. Check your downloads.",
      n,
    ),
  bundle_left_out: (n) =>
    ngettext(
      "%(count)s entry that cannot be shown as written is left out.",
      "%(count)s entries that cannot be shown as written are left out.",
      n,
    ),
  bundle_pending: (n) =>
    ngettext(
      "%(count)s time-stamp is not yet in a published log head: export again tomorrow to include its proof.",
      "%(count)s time-stamps are not yet in a published log head: export again tomorrow to include their proofs.",
      n,
    ),
  // VERIFY.txt, in the bundle
  verify_title: gettext("Evidence bundle of a journal kept on ustoo"),
  verify_intro: gettext("The writer of this journal exported it. Each entry is in entries/ as it was written (a .json file to read, and the .committed file: a random salt followed by those exact bytes). When each entry was saved, the site's time-stamping authority signed a time-stamp (RFC 3161) of the SHA-256 hash of its .committed file, without seeing the entry: the tokens are in tokens/. Each token was also added to the site's public, append-only log, whose signed head and proofs are in log/. The certificates are in tsa/. A time-stamp proves when the writer committed to the text, not that the text is true."),
  verify_tool: gettext("To check everything at once, offline, with ustoo installed:"),
  verify_by_hand: gettext("To check each time-stamp by hand with OpenSSL:"),
  verify_read_token: gettext("To read a time-stamp (its time, serial number and hash):"),
  verify_commitment: gettext("The hash in a time-stamp is the SHA-256 of the entry's .committed file, which journal.json also lists as its commitment:"),
  verify_attachments: gettext("Attached files are in attachments/, as they were chosen, metadata included; their SHA-256 hashes are written inside the entries and listed in journal.json:"),
  verify_log: gettext("log/proofs.json holds, for each token's place in the log, the hashes that lead from it to the root of log/tree-head.json (RFC 6962), whose signature tsa/log.pem verifies."),
});
