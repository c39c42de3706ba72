//! What interrupts user sign-ins (`POST /_sim/signin`); the behaviour is in
//! `entra::interrupt`. Pure data: imports nothing of the simulator.

/// What interrupts user sign-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInInterrupt {
    /// Conditional Access now requires MFA (AADSTS50076). Interactive sign-in
    /// satisfies it; refresh tokens and device codes without MFA do not.
    Mfa,
    /// The app is not consented in the tenant and the user cannot consent (AADSTS65001).
    Consent,
    /// Conditional Access blocks the sign-in (AADSTS53003).
    Blocked,
}

impl SignInInterrupt {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInInterrupt::Mfa => "mfa",
            SignInInterrupt::Consent => "consent",
            SignInInterrupt::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<SignInInterrupt> {
        match s {
            "mfa" => Some(SignInInterrupt::Mfa),
            "consent" => Some(SignInInterrupt::Consent),
            "blocked" => Some(SignInInterrupt::Blocked),
            _ => None,
        }
    }
}
