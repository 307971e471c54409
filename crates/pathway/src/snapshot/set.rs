//! The set as a whole: fact declarations, contacts, sources, pathways and the hazard log.

use std::collections::BTreeMap;

use super::*;
use crate::bundle::Bundle;
use crate::model::{Confidence, Contact, HazardDef, HazardSeverity, Source};

impl<'b> Writer<'b> {
    pub(super) fn bundle(&mut self, b: &'b Bundle) {
        let Bundle {
            pathways,
            facts,
            contacts,
            contact_sources,
            hazards,
            entry,
            hash,
            paths_verified,
            // Only a proven set is written.
            proven: _,
        } = b;
        self.str(hash);
        self.uint(*paths_verified);
        self.uint(entry.map_or(0, |e| e as u64 + 1));
        self.usize(facts.len());
        for decl in facts.iter() {
            self.fact(decl);
        }
        self.map(contacts, Self::contact);
        self.map(contact_sources, Self::source);
        self.usize(pathways.len());
        for p in pathways {
            self.pathway(p);
        }
        let hazards: &[HazardDef] = if self.proofs { hazards } else { &[] };
        self.usize(hazards.len());
        for h in hazards {
            self.hazard(h);
        }
    }

    pub(super) fn hazard(&mut self, h: &'b HazardDef) {
        let HazardDef {
            id,
            hazard,
            harmed,
            severity,
            cause,
            finding,
            controls,
        } = h;
        self.str(id);
        self.str(hazard);
        self.str(harmed);
        self.tag(match severity {
            HazardSeverity::Catastrophic => 0,
            HazardSeverity::Major => 1,
            HazardSeverity::Moderate => 2,
            HazardSeverity::Minor => 3,
        });
        self.str(cause);
        self.opt_str(finding.as_ref());
        self.strs(controls);
    }

    pub(super) fn contact(&mut self, c: &'b Contact) {
        let Contact {
            name,
            phone,
            hours,
            email,
            web,
            first_responder,
            notes,
            source,
            url,
            checked,
            verified,
            service_of,
        } = c;
        self.str(name);
        self.opt_str(phone.as_ref());
        self.opt_str(hours.as_ref());
        self.opt_str(email.as_ref());
        self.opt_str(web.as_ref());
        self.tag(first_responder.map_or(0, |b| 1 + u8::from(b)));
        self.opt_str(notes.as_ref());
        self.str(source);
        self.opt_str(url.as_ref());
        self.opt_str(checked.as_ref());
        self.flag(*verified);
        self.opt_str(service_of.as_ref());
    }

    pub(super) fn source(&mut self, s: &'b Source) {
        let Source {
            title,
            url,
            no_url,
            confidence,
            note,
        } = s;
        self.str(title);
        self.opt_str(url.as_ref());
        self.opt_str(no_url.as_ref());
        self.tag(match confidence {
            Confidence::H => 0,
            Confidence::M => 1,
            Confidence::L => 2,
        });
        self.opt_str(note.as_ref().filter(|_| self.proofs));
    }
}

impl<'a> Reader<'a> {
    pub(super) fn bundle(&mut self) -> Bundle {
        let hash = self.string();
        let paths_verified = self.uint();
        let entry = self.uint();
        let mut facts = BTreeMap::new();
        for _ in 0..self.len() {
            let decl = self.fact();
            if facts.insert(decl.id.clone(), decl).is_some() {
                self.fail_with("a fact is declared twice");
            }
        }
        self.facts = facts.len();
        let contacts = self.map(Self::contact);
        let contact_sources = self.map(Self::source);
        let pathways = self.list(Self::pathway);
        let hazards = self.list(Self::hazard);
        let entry = entry.checked_sub(1).map(|e| e as usize);
        if self.error.is_none()
            && let Some(reason) = inconsistent(&pathways, entry)
        {
            self.fail_with(reason);
        }
        Bundle {
            pathways,
            facts: crate::bundle::Decls::new(facts),
            contacts,
            contact_sources,
            hazards,
            entry,
            hash,
            paths_verified,
            // Only a proven set is written.
            proven: true,
        }
    }

    pub(super) fn hazard(&mut self) -> HazardDef {
        HazardDef {
            id: self.string(),
            hazard: self.string(),
            harmed: self.string(),
            severity: match self.tag(4) {
                0 => HazardSeverity::Catastrophic,
                1 => HazardSeverity::Major,
                2 => HazardSeverity::Moderate,
                _ => HazardSeverity::Minor,
            },
            cause: self.string(),
            finding: self.opt_string(),
            controls: self.strings(),
        }
    }

    pub(super) fn contact(&mut self) -> Contact {
        Contact {
            name: self.string(),
            phone: self.opt_string(),
            hours: self.opt_string(),
            email: self.opt_string(),
            web: self.opt_string(),
            first_responder: self.tag(3).checked_sub(1).map(|b| b == 1),
            notes: self.opt_string(),
            source: self.string(),
            url: self.opt_string(),
            checked: self.opt_string(),
            verified: self.flag(),
            service_of: self.opt_string(),
        }
    }

    pub(super) fn source(&mut self) -> Source {
        Source {
            title: self.string(),
            url: self.opt_string(),
            no_url: self.opt_string(),
            confidence: match self.tag(3) {
                0 => Confidence::H,
                1 => Confidence::M,
                _ => Confidence::L,
            },
            note: self.opt_string(),
        }
    }
}
