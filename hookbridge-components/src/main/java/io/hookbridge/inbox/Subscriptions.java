package io.hookbridge.inbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * The subscriptions of an inbox component: the routes of its context that consume one of its inboxes, each named by
 * its route id. An inbox's subscribers are looked up once and again after routes are added or removed (reload,
 * removal, templates), not on every event.
 */
final class Subscriptions extends LifecycleStrategySupport {

    /**
     * A subscription as a producer sees it: its name, its consumer if its route is running here, and its ordering
     * (null: parallel).
     */
    record Subscriber(String name, InboxConsumer consumer, Ordering ordering) {
    }

    private final InboxComponent component;
    /** The routes consuming each inbox, found when first needed. */
    private final Map<String, List<Route>> routesByInbox = new ConcurrentHashMap<>();

    Subscriptions(InboxComponent component) {
        this.component = component;
    }

    @Override
    public void onRoutesAdd(Collection<Route> routes) {
        routesByInbox.clear();
    }

    @Override
    public void onRoutesRemove(Collection<Route> routes) {
        routesByInbox.clear();
    }

    /**
     * The subscriptions of an inbox: every route consuming it, started or not (a stopped route still gets its
     * deliveries; they wait for it in the database).
     */
    List<Subscriber> of(String inbox) {
        List<Subscriber> list = new ArrayList<>();
        for (Route route : routesByInbox.computeIfAbsent(inbox, name -> List.copyOf(routes(name)))) {
            InboxEndpoint e = (InboxEndpoint) route.getEndpoint();
            list.add(new Subscriber(InboxEndpoint.subscriptionName(route),
                    route.getConsumer() instanceof InboxConsumer c ? c : null, e.ordering()));
        }
        return list;
    }

    /** The names of every subscription, of every inbox. */
    List<String> names() {
        return routes(null).stream().map(InboxEndpoint::subscriptionName).toList();
    }

    /**
     * Subscription names are global (one delivery state per name): two routes may not share one, even on different
     * inboxes.
     */
    void checkUnique(String subscription, Route route) {
        for (Route other : routes(null)) {
            if (other != route && subscription.equals(InboxEndpoint.subscriptionName(other))) {
                throw new IllegalArgumentException("Routes " + route.getRouteId() + " and " + other.getRouteId()
                        + " are both subscription " + subscription + ": give each its own id");
            }
        }
    }

    /** The subscriptions whose route is running here. */
    List<InboxConsumer> running() {
        List<InboxConsumer> consumers = new ArrayList<>();
        for (Route route : routes(null)) {
            if (route.getConsumer() instanceof InboxConsumer c) {
                consumers.add(c);
            }
        }
        return consumers;
    }

    /** The running subscription of that name, or null. */
    InboxConsumer running(String name) {
        return running().stream().filter(c -> name.equals(c.getSubscription())).findFirst().orElse(null);
    }

    /** The routes consuming that inbox of this component; a null inbox: any of its inboxes. */
    private List<Route> routes(String inbox) {
        CamelContext context = component.getCamelContext();
        List<Route> routes = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof InboxEndpoint e && e.getComponent() == component
                    && (inbox == null || e.getName().equals(inbox))) {
                routes.add(route);
            }
        }
        return routes;
    }
}
