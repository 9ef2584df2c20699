//! The state machines of the register. Every transition the bureau's
//! workflow allows is listed here; anything else is an illegal-transition
//! error (CONFLICT) naming the state and the action.

use entity::annual_report::ReportStatus;
use entity::change_application::ChangeStatus;
use entity::complaint::ComplaintStatus;
use entity::organization::OrganizationStatus;
use entity::registration_application::ApplicationStatus;

use crate::error::{Error, Result};
use crate::labels::illegal_transition;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationAction {
    /// 受理.
    Accept,
    /// 准予登记.
    Approve,
    /// 不予受理 / 不予登记.
    Reject,
}

pub fn registration(from: ApplicationStatus, action: RegistrationAction) -> Result<ApplicationStatus> {
    use ApplicationStatus as S;
    use RegistrationAction as A;
    match (from, action) {
        (S::Submitted, A::Accept) => Ok(S::Accepted),
        (S::Accepted, A::Approve) => Ok(S::Approved),
        (S::Submitted | S::Accepted, A::Reject) => Ok(S::Rejected),
        _ => Err(illegal_transition("an application", "登记申请", from, action)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeAction {
    Approve,
    /// 退回.
    Return,
}

pub fn change(from: ChangeStatus, action: ChangeAction) -> Result<ChangeStatus> {
    use ChangeAction as A;
    use ChangeStatus as S;
    match (from, action) {
        (S::Submitted, A::Approve) => Ok(S::Approved),
        (S::Submitted, A::Return) => Ok(S::Returned),
        _ => Err(illegal_transition("a change application", "变更申请", from, action)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportAction {
    Pass,
    PassWithIssues,
    Fail,
    /// A failed report is corrected and submitted again.
    Resubmit,
}

pub fn report(from: ReportStatus, action: ReportAction) -> Result<ReportStatus> {
    use ReportAction as A;
    use ReportStatus as S;
    match (from, action) {
        (S::Submitted, A::Pass) => Ok(S::Passed),
        (S::Submitted, A::PassWithIssues) => Ok(S::PassedWithIssues),
        (S::Submitted, A::Fail) => Ok(S::Failed),
        (S::Failed, A::Resubmit) => Ok(S::Submitted),
        _ => Err(illegal_transition("an annual report", "年度报告", from, action)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintAction {
    Investigate,
    Close,
}

pub fn complaint(from: ComplaintStatus, action: ComplaintAction) -> Result<ComplaintStatus> {
    use ComplaintAction as A;
    use ComplaintStatus as S;
    match (from, action) {
        (S::Received, A::Investigate) => Ok(S::Investigating),
        (S::Received | S::Investigating, A::Close) => Ok(S::Closed),
        _ => Err(illegal_transition("a complaint", "投诉", from, action)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganizationAction {
    /// Any change to the register: change applications, recognitions,
    /// reports, listings.
    Modify,
    /// 注销.
    Deregister,
}

pub fn organization(from: OrganizationStatus, action: OrganizationAction) -> Result<OrganizationStatus> {
    use OrganizationAction as A;
    use OrganizationStatus as S;
    match (from, action) {
        (S::Active, A::Modify) => Ok(S::Active),
        (S::Active, A::Deregister) => Ok(S::Deregistered),
        (S::Deregistered, _) => Err(Error::conflict(
            "illegal transition: the organization is deregistered and its record is read-only",
            "该社会组织已注销，登记信息只能查看，不能修改",
        )),
    }
}

#[cfg(test)]
mod tests {
    //! Every (state, action) pair, against tables written out by hand from
    //! the bureau's workflow rather than derived from the code above.
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn registration_every_pair() {
        use ApplicationStatus as S;
        use RegistrationAction as A;
        let allowed = [
            (S::Submitted, A::Accept, S::Accepted),
            (S::Accepted, A::Approve, S::Approved),
            (S::Submitted, A::Reject, S::Rejected),
            (S::Accepted, A::Reject, S::Rejected),
        ];
        for from in S::iter() {
            for action in [A::Accept, A::Approve, A::Reject] {
                let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                match (registration(from, action), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want),
                    (Err(Error::Conflict { message: msg, .. }), None) => {
                        assert!(msg.starts_with("illegal transition"), "{msg}")
                    }
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn change_every_pair() {
        use ChangeAction as A;
        use ChangeStatus as S;
        let allowed = [
            (S::Submitted, A::Approve, S::Approved),
            (S::Submitted, A::Return, S::Returned),
        ];
        for from in S::iter() {
            for action in [A::Approve, A::Return] {
                let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(change(from, action).ok(), expected, "{from:?} {action:?}");
            }
        }
    }

    #[test]
    fn report_every_pair() {
        use ReportAction as A;
        use ReportStatus as S;
        let allowed = [
            (S::Submitted, A::Pass, S::Passed),
            (S::Submitted, A::PassWithIssues, S::PassedWithIssues),
            (S::Submitted, A::Fail, S::Failed),
            (S::Failed, A::Resubmit, S::Submitted),
        ];
        for from in S::iter() {
            for action in [A::Pass, A::PassWithIssues, A::Fail, A::Resubmit] {
                let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(report(from, action).ok(), expected, "{from:?} {action:?}");
            }
        }
    }

    #[test]
    fn complaint_every_pair() {
        use ComplaintAction as A;
        use ComplaintStatus as S;
        let allowed = [
            (S::Received, A::Investigate, S::Investigating),
            (S::Received, A::Close, S::Closed),
            (S::Investigating, A::Close, S::Closed),
        ];
        for from in S::iter() {
            for action in [A::Investigate, A::Close] {
                let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(complaint(from, action).ok(), expected, "{from:?} {action:?}");
            }
        }
    }

    #[test]
    fn organization_every_pair() {
        use OrganizationAction as A;
        use OrganizationStatus as S;
        let allowed = [
            (S::Active, A::Modify, S::Active),
            (S::Active, A::Deregister, S::Deregistered),
        ];
        for from in S::iter() {
            for action in [A::Modify, A::Deregister] {
                let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(organization(from, action).ok(), expected, "{from:?} {action:?}");
            }
        }
    }
}
