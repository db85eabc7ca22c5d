//! The XML envelope of every exchange: `<XmlMsg><MessageHeader/><MessageBody/></XmlMsg>`.
//! Answers are read into a small element tree and looked up **by name** (the
//! terminal does not fix the order); codes and messages are kept verbatim.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::EpsError;

/// Deepest nesting read (real answers are a few levels deep).
const MAX_DEPTH: usize = 32;
/// Most elements read from one answer.
const MAX_ELEMENTS: usize = 100_000;

/// An element: its name, its own text (trimmed) and its children, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The element's name.
    pub name: String,
    /// Its text, trimmed (empty when it has none).
    pub text: String,
    /// Its child elements.
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first element named `name` below this one, depth first.
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }

    /// Every element below this one whose name satisfies `keep`, depth first.
    pub fn find_all<'a>(&'a self, keep: &dyn Fn(&str) -> bool, out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if keep(&c.name) {
                out.push(c);
            }
            c.find_all(keep, out);
        }
    }

    /// The text of the first element named `name` below this one, if not empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.find(name)
            .map(|e| e.text.as_str())
            .filter(|t| !t.is_empty())
    }
}

/// `SegmentOfResult` of an answer's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// 1 正常終了.
    Done,
    /// 2 処理中.
    Processing,
    /// 9 異常終了.
    Failed,
    /// Any other value, kept as written.
    Other(String),
}

/// `ProcessingResultStatus` of an answer's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// 1 正常.
    Ok,
    /// 2 エラー.
    Error,
    /// Any other value, kept as written.
    Other(String),
}

/// One entry of a result list (`CsvCheckResultList`, `XmlCheckResultList`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The list it came from.
    pub list: String,
    /// `ResultCode`, verbatim (e.g. `EPSB0052E`).
    pub code: String,
    /// `ResultMessage`, verbatim.
    pub message: String,
}

/// An answer from the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// `MessageHeader`.
    pub header: Element,
    /// `MessageBody` (empty when the answer has none).
    pub body: Element,
}

impl Response {
    /// Reads an answer: UTF-8 (with or without BOM) or Shift_JIS (declared,
    /// or when the bytes are not UTF-8); anything else is refused with the reason.
    pub fn parse(bytes: &[u8]) -> Result<Response, EpsError> {
        let text = decode(bytes)?;
        let root = parse_tree(&text)?;
        if root.name != "XmlMsg" {
            return Err(EpsError::Malformed(format!(
                "最上位の要素が XmlMsg ではありません（{}）",
                root.name
            )));
        }
        let header = root
            .child("MessageHeader")
            .cloned()
            .ok_or_else(|| EpsError::Malformed("MessageHeader がありません".into()))?;
        let body = root.child("MessageBody").cloned().unwrap_or_default();
        Ok(Response { header, body })
    }

    /// `SegmentOfResult`, if present.
    pub fn segment(&self) -> Option<Segment> {
        self.header.text_of("SegmentOfResult").map(|s| match s {
            "1" => Segment::Done,
            "2" => Segment::Processing,
            "9" => Segment::Failed,
            other => Segment::Other(other.into()),
        })
    }

    /// `ProcessingResultStatus`, if present.
    pub fn status(&self) -> Option<Status> {
        self.body
            .text_of("ProcessingResultStatus")
            .map(|s| match s {
                "1" => Status::Ok,
                "2" => Status::Error,
                other => Status::Other(other.into()),
            })
    }

    /// A header field by name (`ArbitraryFileIdentifier`, `ErrorCode`, …).
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.header.text_of(name)
    }

    /// A body field by name, anywhere in the body (`PrescriptionId`, `AccessCode`, …).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.body.text_of(name)
    }

    /// Every entry of every `…ResultList` in the body, in order.
    pub fn results(&self) -> Vec<CheckResult> {
        let mut lists = Vec::new();
        self.body
            .find_all(&|n| n.ends_with("ResultList"), &mut lists);
        lists
            .into_iter()
            .filter_map(|list| {
                let code = list.text_of("ResultCode").unwrap_or_default();
                let message = list.text_of("ResultMessage").unwrap_or_default();
                (!code.is_empty() || !message.is_empty()).then(|| CheckResult {
                    list: list.name.clone(),
                    code: code.into(),
                    message: message.into(),
                })
            })
            .collect()
    }

    /// True when the terminal finished and the service accepted the request.
    pub fn succeeded(&self) -> bool {
        self.segment() == Some(Segment::Done)
            && matches!(self.status(), None | Some(Status::Ok))
            && self.results().is_empty()
    }

    /// What went wrong, as the doctor is shown it: codes and messages verbatim.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(seg) = self.segment().filter(|s| *s != Segment::Done) {
            let code = self.header_field("ErrorCode").unwrap_or_default();
            let message = self.header_field("ErrorMessage").unwrap_or_default();
            out.push(match seg {
                Segment::Processing => "処理中です（結果はまだありません）".to_string(),
                _ => format!("異常終了 {code} {message}").trim_end().to_string(),
            });
        }
        if self.status() == Some(Status::Error)
            && let (Some(code), message) = (
                self.field("ProcessingResultCode"),
                self.field("ProcessingResultMessage").unwrap_or_default(),
            )
        {
            out.push(format!("{code} {message}").trim_end().to_string());
        }
        out.extend(
            self.results()
                .into_iter()
                .map(|r| format!("{} {}", r.code, r.message).trim().to_string()),
        );
        if out.is_empty() && self.status() == Some(Status::Error) {
            out.push("エラーが返されました（コードなし）".into());
        }
        out
    }
}

/// A request: the header every request carries, and the body's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `MedicalInstitutionCode` (10 digits).
    pub medical_institution_code: String,
    /// `ArbitraryFileIdentifier`: echoed in the answer, to match it.
    pub arbitrary_file_identifier: String,
    /// More header fields (`QualificationConfirmationDate`, …), in order.
    pub header: Vec<(String, String)>,
    /// The body, as elements.
    pub body: Vec<Element>,
}

impl Request {
    /// The request as UTF-8 XML, written once (`<?xml … UTF-8 ?>`).
    pub fn to_xml(&self) -> Result<Vec<u8>, EpsError> {
        let leaf = |name: &str, text: &str| Element {
            name: name.into(),
            text: text.into(),
            children: vec![],
        };
        let mut header = vec![
            leaf("MedicalInstitutionCode", &self.medical_institution_code),
            leaf("ArbitraryFileIdentifier", &self.arbitrary_file_identifier),
        ];
        header.extend(self.header.iter().map(|(n, v)| leaf(n, v)));
        write_message(&header, &self.body)
    }
}

/// An `XmlMsg` with these header and body elements, as UTF-8 XML written
/// once (`<?xml … UTF-8 ?>`): our requests, and the simulator's answers.
pub fn write_message(header: &[Element], body: &[Element]) -> Result<Vec<u8>, EpsError> {
    let mut w = Writer::new(Vec::new());
    let io = |e: std::io::Error| EpsError::Malformed(e.to_string());
    w.write_event(Event::Decl(BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        Some("no"),
    )))
    .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("XmlMsg")))
        .map_err(io)?;
    for (name, elements) in [("MessageHeader", header), ("MessageBody", body)] {
        w.write_event(Event::Start(BytesStart::new(name)))
            .map_err(io)?;
        for e in elements {
            write_element(&mut w, e)?;
        }
        w.write_event(Event::End(BytesEnd::new(name))).map_err(io)?;
    }
    w.write_event(Event::End(BytesEnd::new("XmlMsg")))
        .map_err(io)?;
    Ok(w.into_inner())
}

fn write_element(w: &mut Writer<Vec<u8>>, e: &Element) -> Result<(), EpsError> {
    let io = |e: std::io::Error| EpsError::Malformed(e.to_string());
    if !is_name(&e.name) {
        return Err(EpsError::Malformed(format!(
            "要素名が正しくありません（{}）",
            e.name
        )));
    }
    w.write_event(Event::Start(BytesStart::new(e.name.as_str())))
        .map_err(io)?;
    if !e.text.is_empty() {
        w.write_event(Event::Text(BytesText::new(&e.text)))
            .map_err(io)?;
    }
    for c in &e.children {
        write_element(w, c)?;
    }
    w.write_event(Event::End(BytesEnd::new(e.name.as_str())))
        .map_err(io)?;
    Ok(())
}

/// An XML name as these messages use them: ASCII letters, digits, `_`.
fn is_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The answer's text: UTF-8, or Shift_JIS when declared or when the bytes are not UTF-8.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, EpsError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared_sjis = head.starts_with("<?xml")
        && ["shift_jis", "shift-jis", "windows-31j", "cp932", "sjis"]
            .iter()
            .any(|e| head.split("?>").next().is_some_and(|d| d.contains(e)));
    if !declared_sjis && let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    if bad {
        return Err(EpsError::Encoding);
    }
    Ok(text)
}

/// Any of these XML documents (UTF-8 or Shift_JIS) read into its root element,
/// depth and size bounded.
pub(crate) fn parse_xml(bytes: &[u8]) -> Result<Element, EpsError> {
    parse_tree(&decode(bytes)?)
}

/// The document's root element, read whole (depth and size bounded).
fn parse_tree(text: &str) -> Result<Element, EpsError> {
    // Text is kept whole while an element is open (entities arrive as separate
    // events) and trimmed once when it closes.
    let mut reader = Reader::from_str(text);
    // Mismatched end tags are reported below, in Japanese.
    reader.config_mut().check_end_names = false;
    let mut stack: Vec<Element> = Vec::new();
    let mut count = 0usize;
    let malformed = |what: String| EpsError::Malformed(what);
    loop {
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            if at >= text.len() {
                EpsError::Incomplete
            } else {
                malformed(format!("{at}バイト目: {e}"))
            }
        })?;
        match event {
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(malformed("要素が深すぎるか多すぎます".into()));
                }
                stack.push(Element {
                    name: name_of(start.name().as_ref()),
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                count += 1;
                let element = Element {
                    name: name_of(start.name().as_ref()),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::Text(t) => {
                let decoded = t
                    .xml_content()
                    .map_err(|e| malformed(format!("文字を読めません: {e}")))?;
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&decoded);
                }
            }
            Event::CData(c) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r
                            .decode()
                            .map_err(|e| malformed(format!("文字参照を読めません: {e}")))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| malformed(format!("未知の実体参照 &{name};")))?
                            .to_string()
                    }
                };
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&resolved);
                }
            }
            Event::End(end) => {
                let name = name_of(end.name().as_ref());
                let mut done = stack
                    .pop()
                    .filter(|e| e.name == name)
                    .ok_or_else(|| malformed(format!("閉じタグ {name} が対応していません")))?;
                let trimmed = done.text.trim();
                if trimmed.len() != done.text.len() {
                    done.text = trimmed.to_string();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Eof => {
                return Err(if stack.is_empty() {
                    malformed("要素がありません".into())
                } else {
                    EpsError::Incomplete
                });
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}

fn name_of(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}
