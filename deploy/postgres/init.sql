-- One database per service: a service never reads another's data.
CREATE DATABASE registration;
CREATE DATABASE checkin;
CREATE DATABASE certificates;
CREATE DATABASE awards;
