// The one list of the window's commands, by module: `build.rs` generates
// their permissions from it, `lib.rs` registers them, and a test checks that
// `capabilities/main.json` grants exactly these and `ui/src/shared/api.ts` calls
// exactly these. Adding a command here is the only way to add one.
macro_rules! command_list {
    ($callback:ident) => {
        $callback! {
            app::app_status,
            app::notices,
            account::set_up_facility,
            account::sign_in,
            account::sign_out,
            account::change_password,
            account::add_staff,
            account::list_staff,
            patient_list::patient_list,
            patient::search_patients,
            patient::open_patient,
            patient::patient_history,
            patient::patient_current,
            patient::patient_otc,
            patient::patient_notes,
            patient::add_patient_note,
            patient::withdraw_patient_note,
            patient::import_jahis,
            merge::patient_merges,
            merge::merge_patients,
            merge::undo_merge,
            settings::facility_codes,
            settings::set_facility_codes,
            settings::current_window_days,
            settings::set_current_window_days,
            settings::external_id_sources,
            settings::remap_external_id,
            settings::remap_external_ids_csv,
            feed::feed_status,
            feed::feed_folders,
            feed::set_feed_folders,
            feed::feed_errors,
            feed::retry_feed_file,
            counter::reader_status,
            counter::set_reader_on,
            counter::choose_reader,
            counter::issue_card,
            counter::issue_card_to_patient,
            counter::reissue_card,
            link::link_candidates,
            link::link_receipt_record,
            notebook::preview_other_notebook,
            notebook::import_other_notebook,
            patient_qr::print_patient_qr,
        }
    };
}
