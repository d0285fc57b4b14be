#include "actors/common/message_types.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

#include "actors/auth/messages.hpp"
#include "actors/catalog/messages.hpp"
#include "actors/billing/ledger_messages.hpp"
#include "actors/billing/messages.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/inspector_messages.hpp"
#include "actors/common/messages.hpp"
#include "actors/streaming/messages.hpp"
#include "actors/analytics/messages.hpp"

namespace streamify {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_error_category(
    caf::atom("streamify"),
    [](uint8_t code, caf::atom_value, const caf::message& context) {
      return "streamify:" + to_string(static_cast<errc>(code)) + " "
             + to_string(context);
    });
  cfg.add_message_type<role_status>("streamify::role_status");
  cfg.add_message_type<auth::user_info>("streamify::auth::user_info");
  cfg.add_message_type<auth::register_request>(
    "streamify::auth::register_request");
  cfg.add_message_type<auth::login_request>("streamify::auth::login_request");
  cfg.add_message_type<auth::profile_update>(
    "streamify::auth::profile_update");
  cfg.add_message_type<auth::auth_result>("streamify::auth::auth_result");
  cfg.add_message_type<catalog::video_info>("streamify::catalog::video_info");
  cfg.add_message_type<std::vector<catalog::video_info>>(
    "std::vector<streamify::catalog::video_info>");
  cfg.add_message_type<catalog::new_video>("streamify::catalog::new_video");
  cfg.add_message_type<catalog::video_query>("streamify::catalog::video_query");
  cfg.add_message_type<catalog::video_page>("streamify::catalog::video_page");
  cfg.add_message_type<catalog::video_update>(
    "streamify::catalog::video_update");
  cfg.add_message_type<catalog::media_facts>("streamify::catalog::media_facts");
  cfg.add_message_type<catalog::rendition_info>(
    "streamify::catalog::rendition_info");
  cfg.add_message_type<std::vector<catalog::rendition_info>>(
    "std::vector<streamify::catalog::rendition_info>");
  cfg.add_message_type<catalog::transcode_job>(
    "streamify::catalog::transcode_job");
  cfg.add_message_type<catalog::transcode_result>(
    "streamify::catalog::transcode_result");
  cfg.add_message_type<streaming::start_request>(
    "streamify::streaming::start_request");
  cfg.add_message_type<streaming::heartbeat_request>(
    "streamify::streaming::heartbeat_request");
  cfg.add_message_type<streaming::session_view>(
    "streamify::streaming::session_view");
  cfg.add_message_type<streaming::history_request>(
    "streamify::streaming::history_request");
  cfg.add_message_type<streaming::history_item>(
    "streamify::streaming::history_item");
  cfg.add_message_type<streaming::history_page>(
    "streamify::streaming::history_page");
  cfg.add_message_type<streaming::claim_request>(
    "streamify::streaming::claim_request");
  cfg.add_message_type<streaming::span_grant>(
    "streamify::streaming::span_grant");
  cfg.add_message_type<streaming::entitlement_update>(
    "streamify::streaming::entitlement_update");
  cfg.add_message_type<streaming::entitlement_listener>(
    "streamify::streaming::entitlement_listener");
  cfg.add_message_type<persistence::session_row>(
    "streamify::persistence::session_row");
  cfg.add_message_type<billing::charge_request>(
    "streamify::billing::charge_request");
  cfg.add_message_type<billing::charge_result>(
    "streamify::billing::charge_result");
  cfg.add_message_type<billing::deposit_request>(
    "streamify::billing::deposit_request");
  cfg.add_message_type<billing::deposit_result>(
    "streamify::billing::deposit_result");
  cfg.add_message_type<billing::wallet_summary>(
    "streamify::billing::wallet_summary");
  cfg.add_message_type<billing::history_query>(
    "streamify::billing::history_query");
  cfg.add_message_type<billing::wallet_transaction>(
    "streamify::billing::wallet_transaction");
  cfg.add_message_type<billing::history_page>(
    "streamify::billing::history_page");
  cfg.add_message_type<billing::refund_request>(
    "streamify::billing::refund_request");
  cfg.add_message_type<billing::refund_line>("streamify::billing::refund_line");
  // A refund forwarded to the billing node of the creator's wallet.
  cfg.add_message_type<persistence::session_parties>(
    "streamify::persistence::session_parties");
  cfg.add_message_type<billing::refund_result>(
    "streamify::billing::refund_result");
  cfg.add_message_type<billing::outbox_query>(
    "streamify::billing::outbox_query");
  cfg.add_message_type<billing::outbox_event>(
    "streamify::billing::outbox_event");
  cfg.add_message_type<billing::outbox_page>("streamify::billing::outbox_page");
  cfg.add_message_type<persistence::activity_event>(
    "streamify::persistence::activity_event");
  cfg.add_message_type<persistence::money_event>(
    "streamify::persistence::money_event");
  cfg.add_message_type<persistence::analytics_batch>(
    "streamify::persistence::analytics_batch");
  cfg.add_message_type<persistence::day_range>(
    "streamify::persistence::day_range");
  cfg.add_message_type<persistence::creator_report>(
    "streamify::persistence::creator_report");
  cfg.add_message_type<persistence::video_report>(
    "streamify::persistence::video_report");
  cfg.add_message_type<persistence::platform_report>(
    "streamify::persistence::platform_report");
  cfg.add_message_type<analytics::relayed_activity>(
    "streamify::analytics::relayed_activity");
  // The operator's inspector.
  cfg.add_message_type<actor_sample>("streamify::actor_sample");
  cfg.add_message_type<persistence::reconcile_report>(
    "streamify::persistence::reconcile_report");
  cfg.add_message_type<admin::peer_node>("streamify::admin::peer_node");
  cfg.add_message_type<admin::node_info>("streamify::admin::node_info");
  cfg.add_message_type<admin::actor_report>("streamify::admin::actor_report");
  cfg.add_message_type<admin::session_sample>(
    "streamify::admin::session_sample");
  cfg.add_message_type<admin::session_samples>(
    "streamify::admin::session_samples");
  cfg.add_message_type<admin::wallet_report>("streamify::admin::wallet_report");
}

} // namespace streamify
