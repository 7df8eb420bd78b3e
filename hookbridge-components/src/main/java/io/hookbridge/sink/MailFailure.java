package io.hookbridge.sink;

import io.hookbridge.inbox.PermanentDeliveryException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.SendFailedException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.util.ObjectHelper;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sorts a failed send for the inbox: a refused login, rejected addresses or an SMTP 5xx answer cannot get better by
 * retrying (the delivery goes dead with the server's words); anything else (connection refused, 4xx "try later",
 * timeouts) is rethrown as it is, and retried.
 */
public class MailFailure implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure == null) {
            return;
        }
        if (isPermanent(failure)) {
            throw new PermanentDeliveryException(failure.getMessage());
        }
        throw failure;
    }

    static boolean isPermanent(Exception failure) {
        if (ObjectHelper.getException(AuthenticationFailedException.class, failure) != null) {
            return true;
        }
        SMTPSendFailedException smtp = ObjectHelper.getException(SMTPSendFailedException.class, failure);
        if (smtp != null) {
            return smtp.getReturnCode() >= 500;
        }
        SMTPAddressFailedException address = ObjectHelper.getException(SMTPAddressFailedException.class, failure);
        if (address != null) {
            return address.getReturnCode() >= 500;
        }
        SendFailedException send = ObjectHelper.getException(SendFailedException.class, failure);
        return send != null && send.getInvalidAddresses() != null && send.getInvalidAddresses().length > 0;
    }
}
