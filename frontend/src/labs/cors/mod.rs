//! The CORS lab: the policy live on the server (`policy_panel`, named ones in `presets`), the
//! request composer, what each request came to and why (`results`, from `outcome` and
//! `diagram`) with a blocked request's fix (worded by `fix_words`), a pasted console message
//! read back (`console_reader`, `console_reading`), the policy and request as code
//! (`code_export`, `export`), and the lab as a link (`share`), opened as a draft beside the
//! live lab (`shared_draft`).

pub mod code_export;
pub mod composer;
pub mod console_reader;
pub mod console_reading;
pub mod diagram;
pub mod export;
pub mod fix_words;
pub mod outcome;
pub mod policy_panel;
pub mod presets;
pub mod results;
pub mod share;
pub mod shared_draft;
