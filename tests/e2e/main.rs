//! End-to-end tests: the real `hallq` binary on port 0, real HTTP and WebSocket clients, real
//! SQLite files in temporary directories. One test binary; one module per concern.

mod alerts;
mod bad_input;
mod browser;
mod clerk_console;
mod cli;
mod crash;
mod gateway;
mod hall_screen;
mod idempotency;
mod keypad_rating;
mod kiosk_pages;
mod led_strips;
mod lifecycle;
mod outcomes;
mod printing;
mod rating_pad;
mod ratings;
mod refusals;
mod reports;
mod rollover;
mod smoke;
mod stream;
mod supervisor_page;
mod support;
mod track_rating;
