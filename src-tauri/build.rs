//! Generates the permission set for our own commands: each command must be
//! granted in `capabilities/` or the webview cannot call it.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_status",
        "set_up_facility",
        "sign_in",
        "sign_out",
        "change_password",
        "add_staff",
        "list_staff",
        "patient_list",
        "search_patients",
        "open_patient",
        "patient_history",
        "patient_otc",
        "patient_notes",
        "add_patient_note",
        "withdraw_patient_note",
        "import_jahis",
        "patient_merges",
        "merge_patients",
        "undo_merge",
        "facility_codes",
        "set_facility_codes",
        "external_id_sources",
        "remap_external_id",
        "remap_external_ids_csv",
        "feed_status",
        "feed_folders",
        "set_feed_folders",
        "feed_errors",
        "retry_feed_file",
        "reader_status",
        "set_reader_on",
        "choose_reader",
        "issue_card",
        "reissue_card",
        "link_candidates",
        "link_receipt_record",
        "preview_other_notebook",
        "import_other_notebook",
        "print_patient_qr",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
