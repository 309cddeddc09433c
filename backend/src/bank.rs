//! The seed's bank: balances and transfers of the demo users, for the CSRF lesson.

use std::sync::Mutex;

use shared::wire::{Account, Amount, Email, Transfer};

use crate::{auth::password::USERS, clock::rfc3339};

pub const START_BALANCE: u64 = 1000;
/// Transfers kept per account; older ones are dropped.
const HISTORY: usize = 100;

/// Why a transfer was refused (all 422).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferError {
    UnknownRecipient,
    InsufficientFunds { balance: u64 },
}

pub struct Bank {
    accounts: Mutex<Vec<Account>>,
}

impl Default for Bank {
    fn default() -> Self {
        Bank { accounts: Mutex::new(start()) }
    }
}

fn start() -> Vec<Account> {
    USERS.iter().map(|u| Account { id: u.id, email: u.email.to_owned(), balance: START_BALANCE, transfers: vec![] }).collect()
}

impl Bank {
    pub fn accounts(&self) -> Vec<Account> {
        self.accounts.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Moves `amount` from user `from` to the account with email `to`; returns the new balance.
    /// All or nothing, under one lock.
    pub fn transfer(&self, from: u64, to: &Email, amount: Amount, now_ms: u64) -> Result<u64, TransferError> {
        let amount = amount.get();
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        let to_idx = accounts.iter().position(|a| a.email.eq_ignore_ascii_case(to.as_str())).ok_or(TransferError::UnknownRecipient)?;
        let from_idx = accounts.iter().position(|a| a.id == from).ok_or(TransferError::UnknownRecipient)?;
        let balance = accounts[from_idx].balance;
        if balance < amount {
            return Err(TransferError::InsufficientFunds { balance });
        }
        let record = Transfer {
            from: accounts[from_idx].email.clone(),
            to: accounts[to_idx].email.clone(),
            amount,
            at: rfc3339(now_ms),
        };
        accounts[from_idx].balance -= amount;
        accounts[to_idx].balance += amount;
        for idx in [from_idx, to_idx] {
            let history = &mut accounts[idx].transfers;
            if from_idx == to_idx && idx == to_idx && history.last() == Some(&record) {
                continue;
            }
            history.push(record.clone());
            if history.len() > HISTORY {
                history.remove(0);
            }
        }
        Ok(accounts[from_idx].balance)
    }

    pub fn reset(&self) {
        *self.accounts.lock().unwrap_or_else(|e| e.into_inner()) = start();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(text: &str) -> Email {
        Email::try_from(text.to_owned()).unwrap()
    }

    fn amount(n: u64) -> Amount {
        Amount::try_from(shared::wire::Number::Whole(n)).unwrap()
    }

    #[test]
    fn transfers_move_money_or_change_nothing() {
        let bank = Bank::default();
        assert_eq!(bank.transfer(1, &email("bob@example.com"), amount(300), 0), Ok(700));
        assert_eq!(bank.transfer(1, &email("bob@example.com"), amount(701), 0), Err(TransferError::InsufficientFunds { balance: 700 }));
        assert_eq!(bank.transfer(1, &email("eve@evil.example"), amount(1), 0), Err(TransferError::UnknownRecipient));
        let accounts = bank.accounts();
        assert_eq!((accounts[0].balance, accounts[1].balance), (700, 1300));
        assert_eq!(accounts[0].transfers.len(), 1);
        assert_eq!(accounts[1].transfers[0].amount, 300);
        bank.reset();
        assert_eq!(bank.accounts()[0].balance, START_BALANCE);
    }

    #[test]
    fn a_transfer_to_oneself_is_recorded_once() {
        let bank = Bank::default();
        assert_eq!(bank.transfer(1, &email("a@b.com"), amount(10), 0), Ok(1000));
        assert_eq!(bank.accounts()[0].transfers.len(), 1);
    }
}
